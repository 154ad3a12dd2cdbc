// HPA <-> DPA translation for a committed CXL region: the math a host-managed decoder
// (HDM) does, which the kernel repeats when it reports poison (cxl_dpa_to_hpa). The oracle
// checks the kernel's cxl_poison hpa against this. Modulo interleave: HPA chunks of
// `granularity` bytes go round-robin over the region's targets in position order.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

struct RegionGeometry {
  uint64_t base = 0;
  uint64_t size = 0;
  unsigned ways = 1;
  uint64_t granularity = 256;
};

struct DpaHit {
  unsigned position;  // index of the region target (targetN) that decodes the address
  uint64_t dpa_offset; // offset into that endpoint decoder's DPA span
};

// Where device poison for a page goes: the memdev and DPA the rig injects at.
struct DpaTarget {
  std::string memdev;
  uint64_t dpa = 0;
  std::string region;
};

std::optional<DpaHit> hpa_to_dpa(const RegionGeometry& g, uint64_t hpa);
std::optional<uint64_t> dpa_to_hpa(const RegionGeometry& g, unsigned position, uint64_t dpa_offset);

}  // namespace cxlrig
