// Judges the region the guest built against the plan made from the topology file: the
// region's ways, granularity, size and target order, and every decoder on the way
// (root, host bridge, switch, endpoint) as the guest's CXL sysfs reads them back.
#pragma once
#include "AgentProtocol.h"
#include "CheckRow.h"
#include "RegionPlan.h"

namespace cxlrig {

// `readback` is the agent's cxl_create_region reply: region attributes, `targets` read
// from regionN/targetI, and `decoders` (each with its sysfs path below root0).
CheckRow judge_region(const RegionPlan& plan, const proto::CxlCreateRegion::Reply& readback);

// Decoder depth below root0: 0 root, 1 host bridge, 2 first switch, ...; endpoints -1.
int decoder_depth(const std::string& sysfs_path);

}  // namespace cxlrig
