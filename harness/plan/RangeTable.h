// A dax device's ordered physical ranges and the offset math the kernel must agree with:
// range i starts at device offset page_offset[i] * 4096, the sum of the sizes before it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "DeviceShape.h"

namespace cxlrig {

struct PhysRange {
  uint64_t start = 0;
  uint64_t end = 0;  // inclusive, as sysfs prints it
  uint64_t size() const { return end - start + 1; }
  bool contains(uint64_t p) const { return p >= start && p <= end; }
  bool operator==(const PhysRange&) const = default;
};

struct RangeHit {
  size_t index;         // which range (write order)
  uint64_t dev_offset;  // byte offset inside the device
};

class RangeTable {
 public:
  RangeTable() = default;
  explicit RangeTable(std::vector<PhysRange> ranges);

  const std::vector<PhysRange>& ranges() const { return ranges_; }
  size_t count() const { return ranges_.size(); }
  uint64_t total_size() const;
  // page_offset of range i in 4 KiB pages, as sysfs mappingN/page_offset reports it.
  uint64_t page_offset(size_t i) const { return pgoff_.at(i); }
  // Where physical address p lands in the device, or nothing if no range holds it.
  std::optional<RangeHit> locate(uint64_t phys) const;
  // The inverse: the physical address of device byte offset off.
  std::optional<uint64_t> phys_of(uint64_t dev_offset) const;
  bool overlaps(const PhysRange& r) const;

 private:
  std::vector<PhysRange> ranges_;
  std::vector<uint64_t> pgoff_;
};

// What the kernel reports for a phys outside every range (fixed fsdev code): U64_MAX.
inline constexpr uint64_t kOffsetOutside = ~uint64_t{0};

nlohmann::json to_json(const RangeTable& t);

}  // namespace cxlrig
