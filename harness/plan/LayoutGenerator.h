// Seeded generator of multi-range dax layouts inside one region. Same seed, same layout on
// every machine: it uses its own integer RNG, not <random>'s implementation-defined
// distributions.
#pragma once
#include <cstdint>
#include <vector>

#include "DeviceShape.h"
#include "RangeTable.h"

namespace cxlrig {

// SplitMix64: tiny, well-mixed, and fully specified (reproducible everywhere).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n);  // uniform in [0, n), n > 0, without modulo bias
 private:
  uint64_t s_;
};

struct DeviceLayoutSpec {
  unsigned ranges = 1;
  uint64_t align = kPageSize;
  RangeOrder order = RangeOrder::kShuffled;
};

struct DeviceLayout {
  RangeTable table;   // in the order the ranges are written to `mapping`
  uint64_t align = kPageSize;
  RangeOrder order = RangeOrder::kShuffled;
};

struct Layout {
  std::vector<DeviceLayout> devices;
  // A range of the region that no device owns (for the "outside every range" probe).
  PhysRange hole;
};

struct RegionSpan {
  uint64_t base = 0;
  uint64_t size = 0;
};

// Draws a range count, an alignment and an order for every device. Alignments the region
// cannot hold (a 1 GiB-aligned range needs three aligned GiB with the hole) are left out;
// when none fits, the smallest is kept and generate_layout reports the misfit.
std::vector<DeviceLayoutSpec> draw_specs(uint64_t seed, RegionSpan region, const std::vector<DeviceShape>& shapes);

// Lays out every device's ranges disjointly in the region, with at least one granule
// between any two, in a random physical order; multi-range devices never get their ranges
// in ascending physical order unless asked (the case the old fsdev code got wrong).
// Throws InputError when the region cannot hold that many ranges.
Layout generate_layout(uint64_t seed, RegionSpan region,
                       const std::vector<DeviceLayoutSpec>& devices);

}  // namespace cxlrig
