// Dynamic capacity as a scenario asks for it: the extents to add over QMP, in the order
// listed (DcdPlan turns them into QMP arguments and a fallback layout).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cxlrig {

inline constexpr uint64_t kDcBlock = 2ull << 20;  // QEMU's DC block size; also a ZONE_DEVICE subsection

struct DcdExtent {
  uint64_t offset = 0;  // from the start of the DC region
  uint64_t len = 0;
};

struct DcdSpec {
  std::vector<std::string> guards;
  unsigned region = 0;  // DC region index on the device
  std::string tag;      // a UUID, or empty
  std::vector<DcdExtent> extents;
  std::string driver = "device_dax";
  std::vector<std::string> requires_;
};

}  // namespace cxlrig
