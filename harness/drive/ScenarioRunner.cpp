#include "ScenarioRunner.h"

#include <algorithm>
#include <map>

#include "InputError.h"
#include "LayoutGenerator.h"
#include "Hex.h"
#include "PhaseLog.h"
#include "RegionCheck.h"

namespace cxlrig {

ScenarioRunner::ScenarioRunner(Vm& vm, const Scenario& s, const Topology& t, ScenarioOptions o, ScenarioOutcome& out)
    : vm_(vm), s_(s), t_(t), o_(std::move(o)), out_(out), injector_(vm, o_.step_timeout) {}

template <class F>
auto ScenarioRunner::phase(const std::string& name, F f) {
  return timed_phase(out_.phases, name, f);
}

template <class Op>
typename Op::Reply ScenarioRunner::call(const typename Op::Request& req) {
  return cxlrig::call<Op>(vm_, req, o_.step_timeout);
}

std::string ScenarioRunner::unmet(const std::vector<std::string>& reqs) const { return caps_.unmet(reqs); }

void ScenarioRunner::probe_capabilities() {
  phase("modules", [&] { return call<proto::LoadModules>({o_.modules}); });
  const auto info = call<proto::Info>({});
  for (auto& [k, v] : info.caps) caps_.set(k, v);
  vcpus_ = info.vcpus;
  isolated_cpu_ = info.isolated_cpu;
  if (isolated_cpu_) out_.capabilities["isolated_cpu"] = *isolated_cpu_;
  out_.capabilities["vcpus"] = vcpus_;
  for (auto& k : default_kprobes()) caps_.set((k.ret ? "kretprobe:" : "kprobe:") + k.symbol, false);
  if (caps_.has("trace:kprobe_events")) {
    proto::KprobesArm::Request req;
    std::map<std::string, std::string> cap_of;
    for (auto& k : default_kprobes()) {
      req.probes.push_back({k.event, k.definition()});
      cap_of[k.event] = (k.ret ? "kretprobe:" : "kprobe:") + k.symbol;
    }
    auto armed = phase("kprobes", [&] { return call<proto::KprobesArm>(req); });
    for (auto& ev : armed.armed) caps_.set(cap_of.at(ev), true);
    out_.capabilities["kprobes_failed"] = armed.failed;
  }
}

void ScenarioRunner::create_region() {
  const RegionPlan& plan = o_.region;
  proto::CxlCreateRegion::Request req;
  req.serials = plan.serials;
  req.granularity = plan.granularity;
  req.mode = plan.mode;
  req.window = static_cast<unsigned>(plan.window);
  req.dpa_size = plan.per_device;
  if (plan.mode == "pmem") req.uuid = uuid_from_seed(o_.seed);
  const auto region = phase("region", [&] { return call<proto::CxlCreateRegion>(req); });
  out_.capabilities["region"] = region;
  // The guest's decoders, targets and size must match what the topology file asks for.
  out_.rows.push_back(judge_region(plan, region));
  region_.name = region.region;
  region_.dax_region = region.dax_region.value_or("");
  region_.geometry = {region.start, region.size, static_cast<unsigned>(region.interleave_ways),
                      region.interleave_granularity};
  seed_device_ = region.device.value_or("");
  bool poison_list = !region.targets.empty(), inject_poison = !region.targets.empty();
  for (auto& t : region.targets) {
    Region::Target rt{t.memdev, "", t.dpa_resource};
    for (auto& d : t_.type3)
      if (d.serial == t.serial) rt.type3_id = d.id;
    poison_list = poison_list && t.poison_list;
    inject_poison = inject_poison && t.inject_poison;
    region_.targets.push_back(rt);
  }
  // Device poison is read back through the memdevs' poison lists on either path.
  caps_.set("cxl:poison_list", poison_list);
  caps_.set("cxl:inject_poison", inject_poison);
}

std::optional<DpaTarget> ScenarioRunner::dpa_of(uint64_t phys) const {
  auto hit = hpa_to_dpa(region_.geometry, phys);
  if (!hit || hit->position >= region_.targets.size()) return std::nullopt;
  const auto& t = region_.targets[hit->position];
  return DpaTarget{t.memdev, t.dpa_base + hit->dpa_offset, region_.name};
}

void ScenarioRunner::run() {
  boot_and_probe();
  publish_capabilities();
  devices_.assign(s_.devices.size(), Device{});
  if (region_.dax_region.empty()) {  // a pmem region: its dax device is static
    run_static();
    return;
  }
  const unsigned n = o_.layouts ? o_.layouts : s_.layouts;
  for (size_t li = 0; li < n; ++li) run_layout(li);
  if (s_.dcd && t_.first_dcd()) run_dcd(n);
  if (s_.range_limit_at_least) probe_range_limit();
}

void ScenarioRunner::boot_and_probe() {
  nlohmann::json ready = phase("boot", [&] { return vm_.wait_ready(o_.boot_timeout); });
  ready.erase("event");
  try {
    kernel_release_ = ready.get<proto::Info::Reply>().kernel;
  } catch (const std::exception& e) {
    throw MalformedReply("the ready event", e.what());
  }
  caps_.kernel_release = kernel_release_;
  out_.booted = true;
  out_.kernel_release = kernel_release_;
  probe_capabilities();
  create_region();
}

void ScenarioRunner::probe() {
  boot_and_probe();
  if (const Type3Device* dcd = t_.first_dcd()) {
    proto::CxlDcdProbe::Request req;
    req.serial = dcd->serial;
    req.settle_ms = 0;
    auto p = phase("dcd probe", [&] { return call<proto::CxlDcdProbe>(req); });
    caps_.set("cxl:dcd", p.supported);
    out_.capabilities["dcd_probe"] = p;
  }
  publish_capabilities();
}

void ScenarioRunner::publish_capabilities() {
  for (auto& [k, v] : caps_.present) out_.capabilities[k] = v;
}

void ScenarioRunner::setup_device(const Scenario& s, size_t i, const DeviceLayout& model, const std::vector<PoisonTarget>& targets,
                                  nlohmann::json& lj) {
  const auto& sd = s.devices[i];
  Device& dev = devices_[i];
  if (dev.name.empty()) {
    dev.name = !seed_device_.empty() ? seed_device_ : call<proto::DaxCreate>({region_.dax_region}).device;
    seed_device_.clear();
  }
  lj["device"] = dev.name;
  // A static device keeps the range the kernel gave it: nothing is written, only read back.
  proto::DaxLayout::Request layout{dev.name, {}, model.align};
  if (!lj.value("static", false))
    for (auto& r : model.table.ranges()) layout.ranges.push_back({r.start, r.end});
  auto rb = phase("layout " + dev.name, [&] { return call<proto::DaxLayout>(layout); });
  DeviceReadback readback;
  readback.size = rb.size;
  for (auto& r : rb.ranges) {
    readback.ranges.push_back({r.start, r.end});
    readback.page_offsets.push_back(r.page_offset);
  }
  CheckRow rbrow = judge_readback(dev.name, sd.driver, model.table, readback);
  rbrow.layout = lj.value("index", size_t{0});
  out_.rows.push_back(rbrow);
  phase("bind " + dev.name, [&] { return call<proto::DaxBind>({dev.name, sd.driver}); });
  dev.mapped = false;
  if (sd.map && !sd.fsdev()) {
    // Fault in every page that will be poisoned, so memory_failure() finds this mapper.
    proto::DaxMmap::Request req{dev.name, model.table.total_size(), {}};
    for (auto& t : targets)
      if (t.device == i && t.inside) req.touch.push_back(model.table.locate(t.phys)->dev_offset);
    auto m = phase("mmap " + dev.name, [&] { return call<proto::DaxMmap>(req); });
    dev.base = m.base;
    dev.mapped = true;
    lj["map_base"] = dev.base;
  }
}

CheckRow ScenarioRunner::check(const Scenario& s, const PoisonTarget& t, const DeviceLayout& model, size_t li) {
  const auto& sd = s.devices[t.device];
  const Device& dev = devices_[t.device];
  auto skip = [&](const std::string& why) {
    CheckRow row = skip_row(t, dev.name, sd.driver, why);
    row.layout = li;
    return row;
  };
  if (!dev.skip.empty()) return skip(dev.skip);
  if (auto why = unmet(traits(t.path).requires_); !why.empty()) return skip(why);
  std::optional<uint64_t> block;
  if (t.inside) block = model.table.locate(t.phys)->dev_offset & ~(model.align - 1);
  InjectionContext ctx;
  ctx.path = t.path;
  ctx.fsdev = sd.fsdev();
  ctx.faulted = dev.mapped && t.inside;
  ctx.mapped = ctx.faulted && !dev.unmapped_blocks.count(*block);
  ctx.inside = t.inside;
  ctx.early_kill = t.early_kill;
  ctx.vcpus = static_cast<unsigned>(std::max(1, vcpus_));
  const ExpectedObservations e = expected_observations(ctx);
  InjectionRequest req;
  req.path = t.path;
  req.phys = t.phys;
  req.device = dev.name;
  req.early_kill = t.early_kill;
  req.expect_signals = e.signal == SignalKind::kNone ? 0 : 1;
  req.consumer_cpu = isolated_cpu_.value_or(-1);
  req.mf_return_probe = caps_.has("kretprobe:memory_failure");
  if (t.inside) req.dev_offset = model.table.locate(t.phys)->dev_offset;
  std::optional<DpaTarget> dpa;
  if (traits(t.path).device_poison) {
    dpa = dpa_of(t.phys);
    if (!dpa) return skip("the region decodes no DPA for this page");
    req.dpa = dpa;
    for (auto& rt : region_.targets)
      if (rt.memdev == dpa->memdev) req.type3_qom = "/machine/peripheral/" + rt.type3_id;
  }
  InjectionObservation obs;
  try {
    obs = phase("inject " + std::string(to_string(t.path)), [&] { return injector_.inject(req); });
  } catch (const AgentStepError& e) {
    obs.err_text = e.what();
  }
  // unmap_and_kill() unmaps the poisoned block only when it collected a mapper to kill
  // (a late-kill mapper outside current's mm is not collected and keeps its mapping).
  if (ctx.mapped && (e.signal == SignalKind::kMceerrAr || e.signal == SignalKind::kMceerrAo))
    devices_[t.device].unmapped_blocks.insert(*block);
  obs.map_base = dev.base;
  obs.mf_probe_armed = caps_.has("kprobe:memory_failure");
  CheckRow row = judge_injection(t, dev.name, sd.driver, model, ctx, obs, dpa);
  row.layout = li;
  return row;
}

void ScenarioRunner::run_layout(size_t li) {
  const uint64_t seed = o_.seed + li;
  const RegionSpan span{region_.geometry.base, region_.geometry.size};
  std::vector<DeviceShape> shapes;
  for (auto& d : s_.devices) shapes.push_back(d.shape);
  run_layout(s_, li, seed, generate_layout(seed, span, draw_specs(seed, span, shapes)), nlohmann::json::object());
}

void ScenarioRunner::run_layout(const Scenario& s, size_t li, uint64_t seed, const Layout& layout, nlohmann::json extra) {
  const auto targets = plan_targets(s, layout, o_.inject, li);
  const size_t first_row = out_.rows.size();

  for (size_t i = 0; i < s.devices.size(); ++i) {
    const auto& sd = s.devices[i];
    const auto& model = layout.devices[i];
    nlohmann::json lj = {{"index", li}, {"seed", seed}, {"device_index", i}, {"driver", sd.driver},
                         {"align", model.align}, {"order", to_string(model.order)}, {"ranges", to_json(model.table)}};
    lj.update(extra);
    devices_[i].skip = unmet(sd.requires_);
    if (!devices_[i].skip.empty()) {
      lj["skipped"] = devices_[i].skip;
      out_.layouts.push_back(lj);
      continue;
    }
    try {
      setup_device(s, i, model, targets, lj);
    } catch (const AgentStepError& e) {
      // The kernel refused a setup step: that is a finding about this kernel, not a crash.
      CheckRow row = setup_failure_row(devices_[i].name, sd.driver, e.failure.op, e.failure.error.err, e.what());
      row.layout = li;
      out_.rows.push_back(row);
      devices_[i].skip = "device setup failed: " + e.failure.describe();
      lj["error"] = e.what();
    }
    out_.layouts.push_back(lj);
  }
  for (const auto& t : targets) out_.rows.push_back(check(s, t, layout.devices[t.device], li));

  proto::DaxTeardown::Request names;
  for (auto& d : devices_)
    if (!d.name.empty()) names.devices.push_back(d.name);
  phase("teardown", [&] { return call<proto::DaxTeardown>(names); });
  for (auto& d : devices_) d.mapped = false, d.base = 0, d.unmapped_blocks.clear();

  bool failed = std::any_of(out_.rows.begin() + first_row, out_.rows.end(), [](auto& r) { return r.verdict == Verdict::kFail; });
  if (failed) {
    // The command that replays this layout alone, and the layout itself (write order).
    std::string line = o_.reproduce_prefix + " --seed " + std::to_string(seed) + " --layouts 1   # layout " +
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
    out_.reproduce.push_back(line);
  }
}

namespace {
// QEMU's refusals (hw/mem/cxl_type3.c, qmp_cxl_process_dynamic_capacity_prescriptive):
// releasing capacity the host has not accepted yet, and capacity that was never added.
constexpr const char* kReleasePendingError = "pending";
constexpr const char* kReleaseUnknownError = "non-existing";
}  // namespace

void ScenarioRunner::run_dcd(size_t li) {
  const DcdSpec& spec = *s_.dcd;
  const Type3Device& dcd = *t_.first_dcd();
  const std::string qom = "/machine/peripheral/" + dcd.id;
  auto row = [&](const std::string& id, const std::string& path, const std::string& expected) {
    CheckRow r;
    r.id = "dcd/" + id;
    r.layout = li;
    r.device = dcd.id;
    r.driver = "dcd";
    r.point = "setup";
    r.path = path;
    r.expected = expected;
    return r;
  };
  auto judge = [&](CheckRow& r, const std::string& observer, const std::string& observed, const std::string& failure) {
    ObserverCell c{observer, r.expected, observed, failure.empty() ? Verdict::kPass : Verdict::kFail};
    if (!failure.empty()) r.verdict = Verdict::kFail, r.reason = observer + ": " + failure;
    r.cells.push_back(c);
    out_.rows.push_back(r);
  };
  // A QMP command whose reply (or refusal) is the observation; no reply in time is a hang.
  auto qmp = [&](const std::string& cmd, const nlohmann::json& args) -> std::pair<bool, std::string> {
    try {
      QmpMessage m = phase(cmd, [&] { return vm_.qmp_reply(cmd, args, o_.step_timeout); });
      if (m.kind == QmpMessage::kError) return {false, m.body.value("desc", m.body.dump())};
      return {true, "accepted"};
    } catch (const InfraError& e) {
      return {false, std::string("no reply: ") + e.what()};
    }
  };

  CheckRow add = row("add", "qmp", std::to_string(spec.extents.size()) + " extents accepted");
  const nlohmann::json add_args = dcd_add_args(spec, qom);
  auto [added, add_text] = qmp("cxl-add-dynamic-capacity", add_args);
  add.details["extents"] = add_args["extents"];
  judge(add, "qmp", add_text, added ? "" : "QEMU refused the extents");

  proto::CxlDcdProbe::Request probe_req;
  probe_req.serial = dcd.serial;
  auto probe = phase("dcd probe", [&] { return call<proto::CxlDcdProbe>(probe_req); });
  const bool supported = probe.supported;
  caps_.set("cxl:dcd", supported);
  out_.capabilities["cxl:dcd"] = supported;
  out_.capabilities["dcd_probe"] = probe;
  const std::string memdev = probe.memdev;

  CheckRow taken = row("extents", "sysfs", std::to_string(spec.extents.size()) + " extents as dax ranges");
  taken.verdict = Verdict::kSkip;
  taken.details = nlohmann::json(probe);
  if (!supported)
    taken.reason = "kernel " + kernel_release_ + " has no Linux DCD support (" + memdev +
                   " shows no dynamic_ram_a partition and no extents): the extents stay pending; "
                   "the extent-shaped layout below checks the same offsets on the volatile region";
  else if (auto why = unmet(spec.requires_); !why.empty())
    taken.reason = why;
  else
    taken.reason = "kernel " + kernel_release_ + " offers DCD (" + nlohmann::json(probe.evidence).dump() +
                   "), but building a DC region from accepted extents is not in the rig yet";
  taken.cells.push_back({"sysfs", taken.expected, nlohmann::json(probe.extents).dump(), Verdict::kSkip});
  out_.rows.push_back(taken);

  // Capacity the host never accepted, and capacity never added, cannot be released: QEMU
  // must refuse at once, naming why. `skip` (if set) says why the probe does not apply.
  auto expect_refusal = [&](const std::string& id, const char* word, const DcdExtent& extent, const std::string& skip) {
    CheckRow r = row(id, "qmp", std::string("refused (") + word + ")");
    if (!skip.empty()) {
      r.verdict = Verdict::kSkip;
      r.reason = skip;
      out_.rows.push_back(r);
      return;
    }
    r.details["extent"] = {{"offset", extent.offset}, {"len", extent.len}};
    auto [ok, text] = qmp("cxl-release-dynamic-capacity", dcd_release_args(spec, qom, {extent}));
    std::string failure;
    if (ok) failure = std::string("QEMU released it instead of refusing (") + word + ")";
    else if (text.find(word) == std::string::npos) failure = std::string("refused, but not as ") + word;
    judge(r, "qmp", text, failure);
  };
  expect_refusal("release-pending", kReleasePendingError, spec.extents.front(),
                 !added ? "the extents were not added" : supported ? "the kernel accepted the extents: none is pending" : "");
  const DcdExtent unused = dcd_unused_block(spec, dc_region_size(t_, dcd));
  expect_refusal("release-unknown", kReleaseUnknownError, unused,
                 unused.len == 0 ? "the extents cover the whole DC region" : "");

  if (supported) return;
  // The same offsets and lengths, written through `mapping` on the volatile region.
  Scenario fallback = s_;
  fallback.name = s_.name + "/dcd-fallback";
  ScenarioDevice d;
  d.driver = spec.driver;
  d.requires_ = {"driver:" + spec.driver};
  fallback.devices = {d};
  fallback.outside_device = -1;
  const RegionSpan span{region_.geometry.base, region_.geometry.size};
  run_layout(fallback, li, o_.seed + li, extent_layout(spec, span), {{"dcd_fallback", true}});
}

void ScenarioRunner::run_static() {
  proto::NdDevdaxCreate::Request nreq;
  nreq.region = region_.name;
  nreq.namespace_uuid = uuid_from_seed(o_.seed, 1);
  nreq.dax_uuid = uuid_from_seed(o_.seed, 2);
  nreq.align = kPageSize;
  auto nd = phase("namespace", [&] { return call<proto::NdDevdaxCreate>(nreq); });
  out_.capabilities["namespace"] = nd;
  const std::string dev = nd.device;
  const uint64_t ns_start = nd.namespace_start;
  const uint64_t data_start = nd.start;
  // The kernel fixed the range: dev_dax->ranges[0] starts data_offset after the namespace,
  // where the pgmap starts. Offsets must count from the former.
  Layout layout;
  DeviceLayout d;
  d.table = RangeTable({{data_start, nd.end}});
  d.align = nd.align;
  d.order = RangeOrder::kAscending;
  layout.devices = {d};
  const nlohmann::json extra = {{"static", true}, {"namespace", nd.ns},
                                {"namespace_start", ns_start}, {"data_offset", data_start - ns_start}};
  // One layout per scenario driver: the one static device is bound to each in turn.
  for (size_t i = 0; i < s_.devices.size(); ++i) {
    Scenario one = s_;
    one.name = s_.name + "/static";
    one.devices = {s_.devices[i]};
    one.outside_device = -1;
    if (devices_[0].name.empty()) seed_device_ = dev;
    run_layout(one, i, o_.seed, layout, extra);
  }
  if (s_.range_limit_at_least) {
    CheckRow row;
    row.id = "range-limit";
    row.point = "limit";
    row.path = "mapping";
    row.verdict = Verdict::kSkip;
    row.reason = "a static dax region (pmem namespace) has one fixed range and no mapping attribute";
    out_.rows.push_back(row);
  }
}

void ScenarioRunner::probe_range_limit() {
  const Device* dev = nullptr;
  for (auto& d : devices_)
    if (!d.name.empty() && d.skip.empty()) dev = &d;
  CheckRow row;
  row.id = "range-limit";
  row.layout = 0;
  row.point = "limit";
  row.path = "mapping";
  row.expected = ">= " + std::to_string(s_.range_limit_at_least) + " ranges";
  if (!dev) {
    row.verdict = Verdict::kSkip;
    row.reason = "no device was set up";
    out_.rows.push_back(row);
    return;
  }
  row.device = dev->name;
  row.driver = "device_dax";
  constexpr uint64_t kGranule = 2ull << 20;  // ZONE_DEVICE ranges are 2 MiB subsections
  const uint64_t start = (region_.geometry.base + kGranule - 1) / kGranule * kGranule;
  proto::DaxRangeLimit::Request req;
  req.device = dev->name;
  req.granule = kGranule;
  req.start = start;
  req.end = region_.geometry.base + region_.geometry.size - 1;
  req.align = 4096;
  req.driver = "device_dax";
  auto r = phase("range-limit", [&] { return call<proto::DaxRangeLimit>(req); });
  const uint64_t accepted = r.accepted;
  ObserverCell c{"sysfs", row.expected, std::to_string(accepted) + " ranges (" + r.stopped_by + ")", Verdict::kPass};
  row.details = r;
  if (accepted < s_.range_limit_at_least || r.listed != accepted || r.bind_err != 0) {
    c.verdict = row.verdict = Verdict::kFail;
    row.reason = "the device took " + std::to_string(accepted) + " ranges, listed " + std::to_string(r.listed) +
                 ", bind errno " + std::to_string(r.bind_err);
  }
  row.cells.push_back(c);
  out_.rows.push_back(row);
  out_.capabilities["range_limit"] = r;
}

}  // namespace cxlrig
