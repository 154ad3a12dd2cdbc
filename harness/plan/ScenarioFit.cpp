#include "ScenarioFit.h"

#include "DcdPlan.h"
#include "InputError.h"

namespace cxlrig {

void check_scenario_fits(const Scenario& s, const Topology& t, const RegionPlan& plan, const std::string& field) {
  const std::string kind = to_string(s.kind);
  if (plan.mode != s.region_mode())
    throw InputError(field, "topology " + t.name + " builds a " + plan.mode + " region, but a " + kind +
                                " scenario (" + s.name + ") needs a " + s.region_mode() + " region",
                     s.region_mode() == "pmem" ? "use a topology whose regions[0] has \"mode\": \"pmem\" (pmem-1)"
                                               : "use a topology with a ram region (vmem-1), or a static_device scenario "
                                                 "(pmem-static) for this one");
  if (s.kind == ScenarioKind::kDcd) {
    const Type3Device* dcd = t.first_dcd();
    if (!dcd)
      throw InputError(field, "topology " + t.name + " has no dynamic capacity device for the dcd scenario " + s.name,
                       "use a topology with a dc_memdev (dcd-1)");
    check_dcd_fits(*s.dcd, t, *dcd, plan.size);
  }
}

}  // namespace cxlrig
