#include "DcdCheck.h"

namespace cxlrig {

namespace {
CheckRow dcd_row(const std::string& id, const std::string& device, const std::string& path, const std::string& expected) {
  CheckRow r;
  r.key = r.id = "dcd/" + id;
  r.device = device;
  r.driver = "dcd";
  r.point = "setup";
  r.path = path;
  r.expected = expected;
  return r;
}

void judge_cell(CheckRow& r, const std::string& observer, const std::string& observed, const std::string& failure) {
  r.cells.push_back({observer, r.expected, observed, failure.empty() ? Verdict::kPass : Verdict::kFail});
  if (!failure.empty()) r.verdict = Verdict::kFail, r.reason = observer + ": " + failure;
}
}  // namespace

CheckRow judge_dcd_add(const std::string& device, const DcdSpec& spec, const QmpOutcome& o, const nlohmann::json& extents) {
  CheckRow r = dcd_row("add", device, "qmp", std::to_string(spec.extents.size()) + " extents accepted");
  r.details["extents"] = extents;
  judge_cell(r, "qmp", o.text, o.accepted ? "" : "QEMU refused the extents");
  return r;
}

CheckRow judge_dcd_extents(const std::string& device, const DcdSpec& spec, const std::string& kernel_release,
                           const proto::CxlDcdProbe::Reply& probe, const std::string& unmet) {
  CheckRow r = dcd_row("extents", device, "sysfs", std::to_string(spec.extents.size()) + " extents as dax ranges");
  r.verdict = Verdict::kSkip;
  r.details = nlohmann::json(probe);
  if (!probe.supported)
    r.reason = "kernel " + kernel_release + " has no Linux DCD support (" + probe.memdev +
               " shows no dynamic_ram_a partition and no extents): the extents stay pending; "
               "the extent-shaped layout below checks the same offsets on the volatile region";
  else if (!unmet.empty())
    r.reason = unmet;
  else
    r.reason = "kernel " + kernel_release + " offers DCD (" + nlohmann::json(probe.evidence).dump() +
               "), but building a DC region from accepted extents is not in the rig yet";
  r.cells.push_back({"sysfs", r.expected, nlohmann::json(probe.extents).dump(), Verdict::kSkip});
  return r;
}

CheckRow judge_dcd_release(const std::string& which, const char* word, const std::string& device, const DcdExtent& extent,
                           const std::optional<QmpOutcome>& o, const std::string& skip) {
  CheckRow r = dcd_row(which, device, "qmp", std::string("refused (") + word + ")");
  if (!skip.empty()) {
    r.verdict = Verdict::kSkip;
    r.reason = skip;
    return r;
  }
  r.details["extent"] = {{"offset", extent.offset}, {"len", extent.len}};
  std::string failure;
  if (!o) failure = "internal: no QMP outcome";
  else if (o->accepted) failure = std::string("QEMU released it instead of refusing (") + word + ")";
  else if (o->text.find(word) == std::string::npos) failure = std::string("refused, but not as ") + word;
  judge_cell(r, "qmp", o ? o->text : "", failure);
  return r;
}

}  // namespace cxlrig
