// Scenario and topology must agree before anything boots: the kind's region mode is the
// topology's, a dcd scenario has a DCD device to add extents to, and the extents fit both
// its DC region and the volatile region their fallback layout goes to. `topology_field`
// names where the topology came from (--topology, or the scenario file's "topology").
#pragma once
#include <string>

#include "RegionPlan.h"
#include "Scenario.h"
#include "Topology.h"

namespace cxlrig {

void check_scenario_fits(const Scenario& s, const Topology& t, const RegionPlan& plan, const std::string& topology_field);

}  // namespace cxlrig
