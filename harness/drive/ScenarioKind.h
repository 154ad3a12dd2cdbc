// One file per scenario kind, all behind this interface: a kind drives the guest through
// its KindContext and leaves judged rows in the outcome. The scenario file names the kind
// (spec's ScenarioKind); make_scenario_kind maps it to its runner.
#pragma once
#include <memory>

#include "KindContext.h"

namespace cxlrig {

class ScenarioKindRunner {
 public:
  virtual ~ScenarioKindRunner() = default;
  virtual void run(KindContext& ctx) = 0;
};

std::unique_ptr<ScenarioKindRunner> make_scenario_kind(ScenarioKind kind);

// One constructor per kind file.
std::unique_ptr<ScenarioKindRunner> make_layout_poison_kind();
std::unique_ptr<ScenarioKindRunner> make_static_device_kind();
std::unique_ptr<ScenarioKindRunner> make_dcd_kind();
std::unique_ptr<ScenarioKindRunner> make_range_limit_kind();
std::unique_ptr<ScenarioKindRunner> make_reconfig_kind();
std::unique_ptr<ScenarioKindRunner> make_race_kind();

}  // namespace cxlrig
