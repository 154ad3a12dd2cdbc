// Judges the dynamic capacity flow: QEMU must take the scenario's extents, the kernel either
// takes them (DCD support) or leaves them pending (SKIP, with the fallback layout checking
// the same offsets), and QEMU must refuse at once to release an extent still pending and a
// range never added (hw/mem/cxl_type3.c, qmp_cxl_process_dynamic_capacity_prescriptive).
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "AgentProtocol.h"
#include "CheckRow.h"
#include "DcdSpec.h"

namespace cxlrig {

// A QMP command whose reply, or refusal, is the observation.
struct QmpOutcome {
  bool accepted = false;
  std::string text;  // "accepted", QEMU's error, or "no reply: ..."
};

// QEMU's words for the two refusals.
inline constexpr const char* kReleasePendingWord = "pending";
inline constexpr const char* kReleaseUnknownWord = "non-existing";

CheckRow judge_dcd_add(const std::string& device, const DcdSpec& spec, const QmpOutcome& o, const nlohmann::json& extents);
CheckRow judge_dcd_extents(const std::string& device, const DcdSpec& spec, const std::string& kernel_release,
                           const proto::CxlDcdProbe::Reply& probe, const std::string& unmet);
// `skip` non-empty: why the probe does not apply (the row is SKIP, `o` unused).
CheckRow judge_dcd_release(const std::string& which, const char* word, const std::string& device, const DcdExtent& extent,
                           const std::optional<QmpOutcome>& o, const std::string& skip);

}  // namespace cxlrig
