// How many ranges mapping_store() took on one device: a FAIL when fewer than the scenario
// asks, when mappingN does not list them all, or when the device no longer binds.
#pragma once
#include <string>

#include "AgentProtocol.h"
#include "CheckRow.h"
#include "Scenario.h"

namespace cxlrig {

CheckRow judge_range_limit(const RangeLimitSpec& spec, const std::string& device, const proto::DaxRangeLimit::Reply& r);
CheckRow range_limit_skip(const RangeLimitSpec& spec, const std::string& reason);

}  // namespace cxlrig
