#include "DcdPlan.h"

#include <algorithm>

#include "InputError.h"
#include "Hex.h"

namespace cxlrig {

uint64_t dc_region_size(const Topology& t, const Type3Device& d) {
  auto* b = t.backend(d.dc_memdev);
  return b && d.dc_regions ? b->size / d.dc_regions : 0;
}

void check_dcd_fits(const DcdSpec& s, const Topology& t, const Type3Device& d, uint64_t volatile_size) {
  if (s.region >= d.dc_regions)
    throw InputError("dcd.region", "device \"" + d.id + "\" has " + std::to_string(d.dc_regions) + " DC regions",
                     "use a region index below that, or raise dc_regions in the topology");
  const uint64_t dc = dc_region_size(t, d);
  for (size_t i = 0; i < s.extents.size(); ++i) {
    const auto& e = s.extents[i];
    const std::string w = "dcd.extents[" + std::to_string(i) + "]";
    if (e.offset + e.len > dc)
      throw InputError(w, "ends at " + hex(e.offset + e.len) + ", past the " + hex(dc) + "-byte DC region of \"" + d.id + "\"",
                       "shrink the extent or grow the topology's dc_memdev");
    if (e.offset + e.len > volatile_size)
      throw InputError(w, "ends at " + hex(e.offset + e.len) + ", past the " + hex(volatile_size) +
                              "-byte volatile region the fallback layout uses", "grow the device's volatile_memdev");
    for (size_t k = 0; k < i; ++k) {
      const auto& o = s.extents[k];
      if (e.offset < o.offset + o.len && o.offset < e.offset + e.len)
        throw InputError(w, "overlaps dcd.extents[" + std::to_string(k) + "]");
    }
  }
}

namespace {
nlohmann::json extents_json(const std::vector<DcdExtent>& ex) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& e : ex) a.push_back({{"offset", e.offset}, {"len", e.len}});
  return a;
}
}  // namespace

nlohmann::json dcd_add_args(const DcdSpec& s, const std::string& qom) {
  nlohmann::json j = {{"path", qom}, {"host-id", 0}, {"selection-policy", "prescriptive"}, {"region", s.region},
                      {"extents", extents_json(s.extents)}};
  if (!s.tag.empty()) j["tag"] = s.tag;
  return j;
}

nlohmann::json dcd_release_args(const DcdSpec& s, const std::string& qom, const std::vector<DcdExtent>& ex) {
  nlohmann::json j = {{"path", qom}, {"host-id", 0}, {"removal-policy", "prescriptive"}, {"region", s.region},
                      {"extents", extents_json(ex)}};
  if (!s.tag.empty()) j["tag"] = s.tag;
  return j;
}

DcdExtent dcd_unused_block(const DcdSpec& s, uint64_t dc) {
  for (uint64_t off = dc; off >= kDcBlock; off -= kDcBlock) {
    const uint64_t start = off - kDcBlock;
    bool used = std::any_of(s.extents.begin(), s.extents.end(),
                            [&](const DcdExtent& e) { return start < e.offset + e.len && e.offset < start + kDcBlock; });
    if (!used) return {start, kDcBlock};
  }
  return {0, 0};
}

Layout extent_layout(const DcdSpec& s, RegionSpan region) {
  Layout l;
  DeviceLayout d;
  std::vector<PhysRange> ranges;
  for (auto& e : s.extents) ranges.push_back({region.base + e.offset, region.base + e.offset + e.len - 1});
  d.table = RangeTable(ranges);
  d.align = kPageSize;
  d.order = std::is_sorted(ranges.begin(), ranges.end(), [](auto& a, auto& b) { return a.start < b.start; })
                ? RangeOrder::kAscending
                : RangeOrder::kShuffled;
  l.devices.push_back(d);
  l.hole = {0, 0};
  return l;
}

}  // namespace cxlrig
