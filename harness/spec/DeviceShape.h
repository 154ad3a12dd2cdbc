// What a scenario lets a device's layouts be: how many ranges, which alignments, which
// write order against physical order. Each layout draws one concrete spec from it (plan).
#pragma once
#include <cstdint>
#include <vector>

namespace cxlrig {

inline constexpr uint64_t kPageSize = 4096;

// The order ranges are written to `mapping`, by physical address. Shuffled never yields
// ascending order for more than one range, so write order and physical order differ.
enum class RangeOrder { kShuffled, kAscending, kDescending };
const char* to_string(RangeOrder o);

struct DeviceShape {
  unsigned min_ranges = 3, max_ranges = 3;
  std::vector<uint64_t> aligns = {kPageSize};
  std::vector<RangeOrder> orders = {RangeOrder::kShuffled};
};

}  // namespace cxlrig
