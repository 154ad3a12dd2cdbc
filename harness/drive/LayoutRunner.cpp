#include "LayoutRunner.h"

#include <algorithm>

#include "ExpectedObservations.h"
#include "Hex.h"
#include "Oracle.h"
#include "RunStatus.h"

namespace cxlrig {

LayoutRunner::LayoutRunner(KindContext& ctx, size_t devices)
    : ctx_(ctx), injector_(ctx.guest, ctx.options.step_timeout), devices_(devices) {}

void LayoutRunner::setup_device(const Scenario& s, size_t i, const DeviceLayout& model,
                                const std::vector<PoisonTarget>& targets, const RowOrigin& origin, nlohmann::json& lj) {
  const auto& sd = s.devices[i];
  Device& dev = devices_[i];
  if (dev.name.empty()) {
    dev.name = !existing_.empty() ? existing_ : ctx_.call<proto::DaxCreate>({ctx_.session.region.dax_region}).device;
    existing_.clear();
  }
  lj["device"] = dev.name;
  // A static device keeps the range the kernel gave it: nothing is written, only read back.
  proto::DaxLayout::Request layout{dev.name, {}, model.align};
  if (!lj.value("static", false))
    for (auto& r : model.table.ranges()) layout.ranges.push_back({r.start, r.end});
  auto rb = ctx_.phase("layout " + dev.name, [&] { return ctx_.call<proto::DaxLayout>(layout); });
  DeviceReadback readback;
  readback.size = rb.size;
  for (auto& r : rb.ranges) {
    readback.ranges.push_back({r.start, r.end});
    readback.page_offsets.push_back(r.page_offset);
  }
  CheckRow rbrow = judge_readback(origin, dev.name, sd.driver, model.table, readback);
  rbrow.layout = lj.value("index", size_t{0});
  ctx_.out.rows.push_back(rbrow);
  ctx_.phase("bind " + dev.name, [&] { return ctx_.call<proto::DaxBind>({dev.name, sd.driver}); });
  dev.mapped = false;
  if (sd.map && !sd.fsdev()) {
    // Fault in every page that will be poisoned, so memory_failure() finds this mapper.
    proto::DaxMmap::Request req{dev.name, model.table.total_size(), {}};
    for (auto& t : targets)
      if (t.device == i && t.inside) req.touch.push_back(model.table.locate(t.phys)->dev_offset);
    auto m = ctx_.phase("mmap " + dev.name, [&] { return ctx_.call<proto::DaxMmap>(req); });
    dev.base = m.base;
    dev.mapped = true;
    lj["map_base"] = dev.base;
  }
}

CheckRow LayoutRunner::check(const Scenario& s, const PoisonTarget& t, const DeviceLayout& model, const RowOrigin& origin,
                             size_t li) {
  const auto& sd = s.devices[t.device];
  const Device& dev = devices_[t.device];
  const SessionFacts& session = ctx_.session;
  auto skip = [&](const std::string& why) {
    CheckRow row = skip_row(origin, t, dev.name, sd.driver, why);
    row.layout = li;
    return row;
  };
  if (!dev.skip.empty()) return skip(dev.skip);
  if (auto why = session.caps.unmet(traits(t.path).requires_); !why.empty()) return skip(why);
  std::optional<uint64_t> block;
  if (t.inside) block = model.table.locate(t.phys)->dev_offset & ~(model.align - 1);
  InjectionContext ictx;
  ictx.path = t.path;
  ictx.fsdev = sd.fsdev();
  ictx.faulted = dev.mapped && t.inside;
  ictx.mapped = ictx.faulted && !dev.unmapped_blocks.count(*block);
  ictx.inside = t.inside;
  ictx.early_kill = t.early_kill;
  ictx.vcpus = static_cast<unsigned>(std::max(1, session.vcpus));
  const ExpectedObservations e = expected_observations(ictx);
  InjectionRequest req;
  req.path = t.path;
  req.phys = t.phys;
  req.device = dev.name;
  req.early_kill = t.early_kill;
  req.expect_signals = e.signal == SignalKind::kNone ? 0 : 1;
  req.consumer_cpu = session.isolated_cpu.value_or(-1);
  req.mf_return_probe = session.caps.has("kretprobe:memory_failure");
  req.mf_entry_probe = session.caps.has("kprobe:memory_failure");
  if (t.inside) req.dev_offset = model.table.locate(t.phys)->dev_offset;
  std::optional<DpaTarget> dpa;
  if (traits(t.path).device_poison) {
    dpa = session.region.dpa_of(t.phys);
    if (!dpa) return skip("the region decodes no DPA for this page");
    req.dpa = dpa;
    for (auto& rt : session.region.targets)
      if (rt.memdev == dpa->memdev) req.type3_qom = "/machine/peripheral/" + rt.type3_id;
  }
  // A filesystem's view as a second observer of fsdev's offset: cxlrig_holder holds the
  // device (fs_dax_get()) and records what dax_holder_notify_failure() tells it. Its
  // ->notify_failure declines (-EOPNOTSUPP), so memory_failure() goes on as with no holder.
  std::string holder_error;
  if (ictx.fsdev && session.caps.has("module:cxlrig_holder") && held_ != dev.name) {
    try {
      ctx_.call<proto::Holder>({dev.name});
      held_ = dev.name;
    } catch (const AgentStepError& err) {
      holder_error = err.what();
    }
  }
  InjectionObservation obs;
  try {
    obs = ctx_.phase("inject " + std::string(to_string(t.path)), [&] { return injector_.inject(req); });
  } catch (const AgentStepError& err) {
    obs.err_text = err.what();
  }
  obs.holder_error = holder_error;
  // unmap_and_kill() unmaps the poisoned block only when it collected a mapper to kill
  // (a late-kill mapper outside current's mm is not collected and keeps its mapping).
  if (ictx.mapped && (e.signal == SignalKind::kMceerrAr || e.signal == SignalKind::kMceerrAo))
    devices_[t.device].unmapped_blocks.insert(*block);
  obs.map_base = dev.base;
  obs.mf_probe_armed = session.caps.has("kprobe:memory_failure");
  CheckRow row = judge_injection(origin, t, dev.name, sd.driver, model, ictx, obs, dpa);
  row.layout = li;
  return row;
}

void LayoutRunner::run(const Scenario& s, size_t li, const Layout& layout, const RowOrigin& origin, nlohmann::json extra) {
  const auto targets = plan_targets(s, layout, ctx_.options.inject, li);
  const size_t first_row = ctx_.out.rows.size();
  RunStatus* status = ctx_.options.status;
  if (status) status->layout(li);
  auto origin_of = [&](size_t i) { return RowOrigin{origin.prefix, origin.device + i, origin.seed}; };

  for (size_t i = 0; i < s.devices.size(); ++i) {
    const auto& sd = s.devices[i];
    const auto& model = layout.devices[i];
    nlohmann::json lj = {{"index", li}, {"seed", origin.seed}, {"device_index", origin.device + i}, {"driver", sd.driver},
                         {"align", model.align}, {"order", to_string(model.order)}, {"ranges", to_json(model.table)}};
    lj.update(extra);
    devices_[i].skip = ctx_.session.caps.unmet(sd.requires_);
    if (!devices_[i].skip.empty()) {
      lj["skipped"] = devices_[i].skip;
      ctx_.out.layouts.push_back(lj);
      continue;
    }
    try {
      setup_device(s, i, model, targets, origin_of(i), lj);
    } catch (const AgentStepError& e) {
      // The kernel refused a setup step: that is a finding about this kernel, not a crash.
      CheckRow row = setup_failure_row(device_key(origin_of(i), "setup/" + e.failure.op), devices_[i].name, sd.driver,
                                       e.failure.op, e.failure.error.err, e.what());
      row.layout = li;
      ctx_.out.rows.push_back(row);
      devices_[i].skip = "device setup failed: " + e.failure.describe();
      lj["error"] = e.what();
    }
    ctx_.out.layouts.push_back(lj);
  }
  for (const auto& t : targets) {
    ctx_.out.rows.push_back(check(s, t, layout.devices[t.device], origin_of(t.device), li));
    if (status) status->check_done();
  }

  // Let go before the unbind: kill_dax() would tell a holder the whole device is going.
  if (!held_.empty()) {
    ctx_.call<proto::Holder>({""});
    held_.clear();
  }
  proto::DaxTeardown::Request names;
  for (auto& d : devices_)
    if (!d.name.empty()) names.devices.push_back(d.name);
  ctx_.phase("teardown", [&] { return ctx_.call<proto::DaxTeardown>(names); });
  for (auto& d : devices_) d.mapped = false, d.base = 0, d.unmapped_blocks.clear();

  if (std::any_of(ctx_.out.rows.begin() + first_row, ctx_.out.rows.end(), [](auto& r) { return r.verdict == Verdict::kFail; }))
    ctx_.out.reproduce.push_back(reproduce_line(s, li, origin.seed, layout));
}

std::string LayoutRunner::reproduce_line(const Scenario& s, size_t li, uint64_t seed, const Layout& layout) const {
  // The command that replays this layout alone, and the layout itself (write order).
  std::string line = ctx_.options.reproduce_prefix + " --seed " + std::to_string(seed) + " --layouts 1   # layout " +
                     std::to_string(li) + ":";
  for (size_t i = 0; i < layout.devices.size(); ++i) {
    const auto& d = layout.devices[i];
    line += " [" + (devices_[i].name.empty() ? "device " + std::to_string(i) : devices_[i].name) + " " +
            s.devices[i].driver + " align " + hex(d.align) + " " + to_string(d.order);
    for (size_t r = 0; r < d.table.count() && r < 8; ++r)
      line += " " + hex(d.table.ranges()[r].start) + "-" + hex(d.table.ranges()[r].end);
    if (d.table.count() > 8) line += " ... (" + std::to_string(d.table.count()) + " ranges)";
    line += "]";
  }
  return line;
}

}  // namespace cxlrig
