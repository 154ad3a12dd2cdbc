// How a topology's region is laid out before the guest builds it: which device sits at
// which interleave position, how many ways each decoder level must interleave, and the
// size. The guest's CXL sysfs is later checked against this plan (RegionCheck).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "Topology.h"

namespace cxlrig {

struct RegionPlan {
  size_t index = 0;                           // the topology's regions[index]
  std::string mode;                           // "ram" or "pmem"
  size_t window = 0;                          // root decoder index (CFMWS order)
  std::vector<uint64_t> serials;              // by interleave position
  unsigned root_ways = 1;                     // host bridges the window interleaves
  uint64_t root_granularity = 256;
  std::map<std::string, unsigned> bridge_ways;  // host bridge id -> root ports it interleaves
  std::map<std::string, unsigned> switch_ways;  // switch id -> devices it interleaves
  uint64_t granularity = 256;
  uint64_t per_device = 0;                    // dpa_size of each endpoint decoder
  uint64_t size = 0;                          // region size: ways x per_device

  unsigned ways() const { return static_cast<unsigned>(serials.size()); }
};

// Positions follow the decode order: position p goes to host bridge targets[p % root_ways],
// then to that bridge's (p / root_ways) % bridge_ways-th root port, then down the switch.
// Throws InputError naming regions[i] when the devices cannot form that interleave.
RegionPlan plan_region(const Topology& t, size_t region_index);

// A version-4-shaped UUID drawn from the run's seed: pmem regions and namespaces need one,
// and a rerun with the same seed names them the same.
std::string uuid_from_seed(uint64_t seed, uint64_t salt = 0);

}  // namespace cxlrig
