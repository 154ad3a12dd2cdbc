#include "TargetPlan.h"

#include <algorithm>
#include <set>

namespace cxlrig {

namespace {

std::vector<PoisonPath> paths_for(const ScenarioDevice& d, const std::vector<PoisonPath>& enabled, bool inside) {
  std::vector<PoisonPath> out;
  for (auto p : d.paths.empty() ? all_poison_paths() : d.paths)
    if ((enabled.empty() || std::count(enabled.begin(), enabled.end(), p)) && path_applies(p, d, inside))
      out.push_back(p);
  return out;
}

}  // namespace

std::vector<PoisonTarget> plan_targets(const Scenario& s, const Layout& layout, const std::vector<PoisonPath>& enabled,
                                       size_t li) {
  std::vector<PoisonTarget> out;
  for (size_t d = 0; d < s.devices.size(); ++d) {
    const auto& sd = s.devices[d];
    const auto& table = layout.devices.at(d).table;
    const auto in_paths = paths_for(sd, enabled, true), out_paths = paths_for(sd, enabled, false);
    size_t n_in = 0, n_out = 0;  // separate rotations: outside points have fewer paths
    for (size_t r = 0; r < table.count(); ++r) {
      const auto& range = table.ranges()[r];
      std::set<uint64_t> seen;  // a one-page range has first == last: poison it once
      for (Point pt : s.points) {
        uint64_t phys = range.start;
        bool inside = true;
        switch (pt) {
          case Point::kFirst: break;
          case Point::kInterior: phys += (range.size() / kPageSize / 2) * kPageSize; break;
          case Point::kLast: phys = range.end + 1 - kPageSize; break;
          case Point::kBefore:
            if (range.start < kPageSize) continue;
            phys = range.start - kPageSize, inside = false;
            break;
          case Point::kAfter: phys = range.end + 1, inside = false; break;
        }
        const auto& list = inside ? in_paths : out_paths;
        if (list.empty() || !seen.insert(phys).second) continue;
        size_t& n = inside ? n_in : n_out;
        out.push_back({d, r, inside, to_string(pt), phys, list[(n + li) % list.size()], n % 2 == 0});
        ++n;
      }
    }
  }
  if (s.outside_device >= 0) {
    const auto& sd = s.devices[s.outside_device];
    auto list = paths_for(sd, enabled, false);
    PoisonPath p = s.outside_path;
    if (!list.empty() && !std::count(list.begin(), list.end(), p)) p = list[li % list.size()];
    if (!list.empty())
      out.push_back({static_cast<size_t>(s.outside_device), std::nullopt, false, "outside", layout.hole.start, p, true});
  }
  return out;
}

}  // namespace cxlrig
