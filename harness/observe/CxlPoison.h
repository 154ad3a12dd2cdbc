// Records of a CXL memdev's poison list, as the kernel's cxl:cxl_poison trace event prints
// them after a trigger_poison_list write.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "TraceParser.h"

namespace cxlrig {

struct CxlPoisonRecord {
  std::string memdev;
  std::string region;              // empty when the DPA is not mapped by a region
  std::optional<uint64_t> hpa;     // absent (or ULLONG_MAX) when unmapped
  uint64_t dpa = 0;
  uint64_t dpa_len = 0;
  std::string source;              // Injected, Internal, Vendor, ...
};

inline constexpr const char* kCxlPoisonEvent = "cxl_poison";

// The cxl_poison events among `events`; other events are ignored.
std::vector<CxlPoisonRecord> cxl_poison_records(const std::vector<TraceEvent>& events);

}  // namespace cxlrig
