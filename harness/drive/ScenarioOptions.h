// How a scenario is driven: what the command line asked for, and the region planned from
// the topology before boot.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "AgentChannel.h"
#include "PoisonPath.h"
#include "RegionPlan.h"

namespace cxlrig {

struct ScenarioOptions {
  uint64_t seed = 1;
  unsigned layouts = 0;                  // 0: the scenario's default
  std::vector<PoisonPath> inject;        // empty: every path that applies
  std::vector<std::string> modules;      // load order, names as in the initramfs
  // The recorded command line with --seed/--layouts/--out taken out: a failing layout's
  // reproduce line is this plus its own --seed and --layouts 1.
  std::string reproduce_prefix;
  RegionPlan region;                     // the topology's region, planned (and checked) before boot
  Millis boot_timeout{120000};
  Millis step_timeout{60000};
  class RunStatus* status = nullptr;     // the terminal's status line, when there is one
  size_t guest = 0;                      // which of the scenario's guests this is (Scenario::guests())
  // Prefixes the rows every guest makes alike (the region's) when a scenario boots several,
  // so each row of the run keeps a key of its own: "guest1/" makes "guest1/region0/topology".
  std::string row_prefix;
  // The guest's console, for the kinds whose rows name what the kernel printed (a splat a
  // reconfiguration provoked). Null when nobody watches it (unit tests may set one).
  const class ConsoleScanner* console = nullptr;
  // race: --duration, and the window patches the kernel under test was built with.
  std::optional<unsigned> race_duration_s;
  std::vector<std::string> race_window;
};

}  // namespace cxlrig
