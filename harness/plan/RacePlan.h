// Where a race works, in the region's physical space: the device's ranges when the race
// starts, the free ranges a grow_mapping stressor writes to `mapping` in turn, and the
// pages a poison stressor cycles through. Pure arithmetic on the region's geometry.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "RangeTable.h"
#include "Scenario.h"

namespace cxlrig {

struct RacePlan {
  std::vector<PhysRange> base;  // `ranges` ranges of `range_size`, one free range apart
  std::vector<PhysRange> grow;  // every other free `range_size` range, ascending, at most kMaxGrow
  std::vector<uint64_t> pfns;   // every page of the base ranges, at most kMaxPfns
  uint64_t size() const;        // of the base ranges: what a fault stressor maps
};

inline constexpr size_t kMaxGrow = 1024;
inline constexpr size_t kMaxPfns = 4096;

// Throws InputError naming `where` (the scenario's race block) when the ranges do not fit.
RacePlan plan_race(const RaceSpec& spec, uint64_t region_base, uint64_t region_size, const std::string& where);

}  // namespace cxlrig
