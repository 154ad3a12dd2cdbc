#include "RangeTable.h"

#include <stdexcept>
#include <string>

namespace cxlrig {

RangeTable::RangeTable(std::vector<PhysRange> ranges) : ranges_(std::move(ranges)) {
  uint64_t pages = 0;
  pgoff_.reserve(ranges_.size());
  for (const auto& r : ranges_) {
    if (r.end < r.start) throw std::invalid_argument("range end before start");
    pgoff_.push_back(pages);
    pages += r.size() / kPageSize;
  }
}

uint64_t RangeTable::total_size() const {
  uint64_t s = 0;
  for (const auto& r : ranges_) s += r.size();
  return s;
}

std::optional<RangeHit> RangeTable::locate(uint64_t phys) const {
  for (size_t i = 0; i < ranges_.size(); ++i)
    if (ranges_[i].contains(phys))
      return RangeHit{i, pgoff_[i] * kPageSize + (phys - ranges_[i].start)};
  return std::nullopt;
}

std::optional<uint64_t> RangeTable::phys_of(uint64_t dev_offset) const {
  for (size_t i = 0; i < ranges_.size(); ++i) {
    uint64_t base = pgoff_[i] * kPageSize;
    if (dev_offset >= base && dev_offset - base < ranges_[i].size())
      return ranges_[i].start + (dev_offset - base);
  }
  return std::nullopt;
}

bool RangeTable::overlaps(const PhysRange& r) const {
  for (const auto& x : ranges_)
    if (r.start <= x.end && x.start <= r.end) return true;
  return false;
}

nlohmann::json to_json(const RangeTable& t) {
  auto arr = nlohmann::json::array();
  for (size_t i = 0; i < t.count(); ++i)
    arr.push_back({{"start", t.ranges()[i].start},
                   {"end", t.ranges()[i].end},
                   {"page_offset", t.page_offset(i)}});
  return arr;
}

}  // namespace cxlrig
