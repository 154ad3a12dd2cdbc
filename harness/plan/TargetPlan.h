// Which pages a layout poisons, by which path, decided from the model before anything runs:
// every device's points, with the enabled paths that apply rotated so each path meets each
// point, and the early-kill policy alternating per round of paths.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "LayoutGenerator.h"
#include "PoisonPath.h"
#include "Scenario.h"

namespace cxlrig {

struct PoisonTarget {
  size_t device = 0;            // index into the scenario's devices
  std::optional<size_t> range;  // the range the point belongs to (before/after: borders)
  bool inside = true;           // the page lies in one of the device's ranges
  std::string point;            // first, interior, last, before, after, outside
  uint64_t phys = 0;
  PoisonPath path = PoisonPath::kCorruptPfn;
  bool early_kill = false;      // the mapper's PR_MCE_KILL policy for this injection
};

// `enabled` empty: the scenario's paths (or all that apply).
std::vector<PoisonTarget> plan_targets(const Scenario& s, const Layout& layout,
                                       const std::vector<PoisonPath>& enabled, size_t layout_index = 0);

}  // namespace cxlrig
