// dcd: add the scenario's extents over QMP, ask the guest whether the kernel takes them,
// check that QEMU refuses to release an extent still pending and a range never added, and
// where the kernel cannot take extents, lay the same offsets out through `mapping` on the
// volatile region and poison them like any layout.
#include "DcdCheck.h"
#include "DcdPlan.h"
#include "LayoutRunner.h"
#include "ScenarioKind.h"

namespace cxlrig {
namespace {

class DcdKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const Scenario& s = ctx.scenario;
    const DcdSpec& spec = *s.dcd;
    const Type3Device& dcd = *ctx.topology.first_dcd();  // checked before boot
    const std::string qom = "/machine/peripheral/" + dcd.id;
    // A QMP command whose reply (or refusal) is the observation; no reply in time is a hang.
    auto qmp = [&](const std::string& cmd, const nlohmann::json& args) {
      try {
        QmpMessage m = ctx.phase(cmd, [&] { return ctx.guest.qmp_reply(cmd, args, ctx.options.step_timeout); });
        if (m.kind == QmpMessage::kError) return QmpOutcome{false, m.body.value("desc", m.body.dump())};
        return QmpOutcome{true, "accepted"};
      } catch (const InfraError& e) {
        return QmpOutcome{false, std::string("no reply: ") + e.what()};
      }
    };

    const nlohmann::json add_args = dcd_add_args(spec, qom);
    const QmpOutcome added = qmp("cxl-add-dynamic-capacity", add_args);
    ctx.out.rows.push_back(judge_dcd_add(dcd.id, spec, added, add_args["extents"]));

    proto::CxlDcdProbe::Request preq;
    preq.serial = dcd.serial;
    auto probe = ctx.phase("dcd probe", [&] { return ctx.call<proto::CxlDcdProbe>(preq); });
    ctx.session.caps.set("cxl:dcd", probe.supported);
    ctx.out.capabilities["cxl:dcd"] = probe.supported;
    ctx.out.capabilities["dcd_probe"] = probe;
    ctx.out.rows.push_back(
        judge_dcd_extents(dcd.id, spec, ctx.session.kernel_release, probe, ctx.session.caps.unmet(spec.requires_)));

    const std::string pending_skip =
        !added.accepted ? "the extents were not added" : probe.supported ? "the kernel accepted the extents: none is pending" : "";
    std::optional<QmpOutcome> pending;
    if (pending_skip.empty()) pending = qmp("cxl-release-dynamic-capacity", dcd_release_args(spec, qom, {spec.extents.front()}));
    ctx.out.rows.push_back(
        judge_dcd_release("release-pending", kReleasePendingWord, dcd.id, spec.extents.front(), pending, pending_skip));
    const DcdExtent unused = dcd_unused_block(spec, dc_region_size(ctx.topology, dcd));
    const std::string unknown_skip = unused.len == 0 ? "the extents cover the whole DC region" : "";
    std::optional<QmpOutcome> unknown;
    if (unknown_skip.empty()) unknown = qmp("cxl-release-dynamic-capacity", dcd_release_args(spec, qom, {unused}));
    ctx.out.rows.push_back(judge_dcd_release("release-unknown", kReleaseUnknownWord, dcd.id, unused, unknown, unknown_skip));

    if (probe.supported) return;
    // The same offsets and lengths, written through `mapping` on the volatile region.
    LayoutRunner runner(ctx, 1);
    runner.use_existing_device(ctx.session.region.seed_device);
    runner.run(s, 0, extent_layout(spec, ctx.region_span()), RowOrigin{"dcd-fallback/", 0, ctx.options.seed},
               {{"dcd_fallback", true}});
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_dcd_kind() { return std::make_unique<DcdKind>(); }

}  // namespace cxlrig
