#include "RegionCheck.h"

#include "Hex.h"

#include <algorithm>
#include <sstream>

namespace cxlrig {

namespace {
std::vector<unsigned> sorted(std::vector<unsigned> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string list(const std::vector<unsigned>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return "[" + s + "]";
}
}  // namespace

int decoder_depth(const std::string& path) {
  // e.g. root0/port1/port2/endpoint3/decoder3.0
  std::istringstream in(path);
  std::string part;
  int depth = 0;
  bool seen_root = false;
  while (std::getline(in, part, '/')) {
    if (part.rfind("root", 0) == 0) seen_root = true;
    else if (seen_root && part.rfind("endpoint", 0) == 0) return -1;
    else if (seen_root && part.rfind("port", 0) == 0) ++depth;
  }
  return depth;
}

CheckRow judge_region(const RegionPlan& plan, const proto::CxlCreateRegion::Reply& rb) {
  CheckRow row;
  const std::string name = rb.region.empty() ? "?" : rb.region;
  row.id = name + "/topology";
  row.key = "region" + std::to_string(plan.index) + "/topology";
  row.device = name;
  row.driver = "cxl_region";
  row.point = "setup";
  row.path = "sysfs";
  row.expected = std::to_string(plan.ways()) + "-way " + plan.mode + ", size " + hex(plan.size);
  ObserverCell cell{"sysfs", row.expected, "", Verdict::kPass};
  auto fail = [&](const std::string& why) {
    cell.verdict = row.verdict = Verdict::kFail;
    row.reason += (row.reason.empty() ? "sysfs: " : "; ") + why;
  };
  const uint64_t ways = rb.interleave_ways;
  const uint64_t gran = rb.interleave_granularity;
  const uint64_t size = rb.size;
  cell.observed = std::to_string(ways) + "-way " + rb.mode + ", size " + hex(size);
  if (ways != plan.ways()) fail("region interleave_ways " + std::to_string(ways) + ", want " + std::to_string(plan.ways()));
  if (gran != plan.granularity) fail("region interleave_granularity " + std::to_string(gran) + ", want " + std::to_string(plan.granularity));
  if (size != plan.size) fail("region size " + hex(size) + ", want " + hex(plan.size));

  const auto& targets = rb.targets;
  if (targets.size() != plan.ways()) fail(std::to_string(targets.size()) + " targets, want " + std::to_string(plan.ways()));
  for (size_t i = 0; i < std::min<size_t>(targets.size(), plan.ways()); ++i) {
    uint64_t serial = targets[i].serial;
    if (serial != plan.serials[i])
      fail("target" + std::to_string(i) + " is serial " + hex(serial) + ", want " + hex(plan.serials[i]));
  }

  std::vector<unsigned> bridges, switches;
  size_t endpoints = 0, roots = 0;
  for (auto& d : rb.decoders) {
    const std::string& dn = d.name;
    const unsigned iw = static_cast<unsigned>(d.interleave_ways);
    const int depth = decoder_depth(d.path);
    if (depth == 0) {
      ++roots;
      if (iw != plan.root_ways) fail("root " + dn + " interleaves " + std::to_string(iw) + " ways, window has " + std::to_string(plan.root_ways) + " targets");
      if (d.interleave_granularity != plan.root_granularity)
        fail("root " + dn + " granularity " + std::to_string(d.interleave_granularity) + ", want " + std::to_string(plan.root_granularity));
    } else if (depth == 1) {
      bridges.push_back(iw);
    } else if (depth > 1) {
      switches.push_back(iw);
    } else {
      ++endpoints;
      if (iw != plan.ways()) fail("endpoint " + dn + " interleave_ways " + std::to_string(iw) + ", want " + std::to_string(plan.ways()));
      if (d.interleave_granularity != plan.granularity)
        fail("endpoint " + dn + " granularity " + std::to_string(d.interleave_granularity));
      if (d.dpa_size.value_or(0) != plan.per_device)
        fail("endpoint " + dn + " dpa_size " + hex(d.dpa_size.value_or(0)) + ", want " + hex(plan.per_device));
      if (d.mode.value_or(plan.mode) != plan.mode) fail("endpoint " + dn + " mode " + d.mode.value_or("") + ", want " + plan.mode);
    }
  }
  std::vector<unsigned> want_bridges, want_switches;
  for (auto& [_, w] : plan.bridge_ways) want_bridges.push_back(w);
  for (auto& [_, w] : plan.switch_ways) want_switches.push_back(w);
  if (roots != 1) fail(std::to_string(roots) + " root decoders read back, want 1");
  if (sorted(bridges) != sorted(want_bridges))
    fail("host bridge decoders interleave " + list(sorted(bridges)) + " ways, want " + list(sorted(want_bridges)));
  if (sorted(switches) != sorted(want_switches))
    fail("switch decoders interleave " + list(sorted(switches)) + " ways, want " + list(sorted(want_switches)));
  if (endpoints != plan.ways()) fail(std::to_string(endpoints) + " endpoint decoders, want " + std::to_string(plan.ways()));
  row.cells.push_back(cell);
  row.details["plan"] = {{"serials", plan.serials}, {"root_ways", plan.root_ways}, {"bridge_ways", plan.bridge_ways},
                         {"switch_ways", plan.switch_ways}, {"per_device", plan.per_device}};
  return row;
}

}  // namespace cxlrig
