#include "ScenarioKind.h"

namespace cxlrig {

std::unique_ptr<ScenarioKindRunner> make_scenario_kind(ScenarioKind kind) {
  switch (kind) {
    case ScenarioKind::kLayoutPoison: return make_layout_poison_kind();
    case ScenarioKind::kStaticDevice: return make_static_device_kind();
    case ScenarioKind::kDcd: return make_dcd_kind();
    case ScenarioKind::kRangeLimit: return make_range_limit_kind();
    case ScenarioKind::kReconfig: return make_reconfig_kind();
    case ScenarioKind::kRace: return make_race_kind();
  }
  return nullptr;
}

}  // namespace cxlrig
