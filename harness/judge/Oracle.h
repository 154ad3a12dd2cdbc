// The oracle: pure judgement of what the guest observed against the rig's own model of the
// layout it asked for. It never trusts the kernel for the expected value. Every observer
// is judged on its own (a cell per observer), so a row says exactly which one disagrees.
#pragma once
#include <optional>
#include <string>

#include "CheckRow.h"
#include "ExpectedObservations.h"
#include "HdmDecoder.h"
#include "LayoutGenerator.h"
#include "Observation.h"
#include "RangeTable.h"
#include "RowKey.h"
#include "TargetPlan.h"

namespace cxlrig {

// The model must equal what sysfs reads back (start, end, page_offset of every mappingN,
// and size); a mismatch is a failure of its own.
CheckRow judge_readback(const RowOrigin& origin, const std::string& device, const std::string& driver,
                        const RangeTable& model, const DeviceReadback& rb);

CheckRow judge_injection(const RowOrigin& origin, const PoisonTarget& t, const std::string& device, const std::string& driver,
                         const DeviceLayout& model, const InjectionContext& ctx, const InjectionObservation& obs,
                         const std::optional<DpaTarget>& dpa = std::nullopt);

// A guest setup step the kernel refused (mapping write, bind, region commit): a finding.
CheckRow setup_failure_row(const std::string& key, const std::string& device, const std::string& driver, const std::string& op, int err,
                           const std::string& why);

CheckRow skip_row(const RowOrigin& origin, const PoisonTarget& t, const std::string& device, const std::string& driver,
                  const std::string& reason);

}  // namespace cxlrig
