#include "GuestSession.h"

#include <map>

#include "RegionCheck.h"
#include "TraceParser.h"

namespace cxlrig {

std::optional<DpaTarget> RegionFacts::dpa_of(uint64_t phys) const {
  auto hit = hpa_to_dpa(geometry, phys);
  if (!hit || hit->position >= targets.size()) return std::nullopt;
  const auto& t = targets[hit->position];
  return DpaTarget{t.memdev, t.dpa_base + hit->dpa_offset, name};
}

void publish_capabilities(const SessionFacts& f, ScenarioOutcome& out) {
  for (auto& [k, v] : f.caps.present) out.capabilities[k] = v;
  out.capabilities["vcpus"] = f.vcpus;
  if (f.isolated_cpu) out.capabilities["isolated_cpu"] = *f.isolated_cpu;
}

SessionFacts GuestSession::start() {
  SessionFacts f;
  nlohmann::json ready = timed_phase(out_.phases, "boot", [&] { return guest_.wait_ready(o_.boot_timeout); });
  ready.erase("event");
  proto::Info::Reply info;
  try {
    info = ready.get<proto::Info::Reply>();
  } catch (const std::exception& e) {
    throw MalformedReply("the ready event", e.what());
  }
  f.kernel_release = f.caps.kernel_release = info.kernel;
  out_.booted = true;
  out_.kernel_release = info.kernel;
  probe_capabilities(f);
  create_region(f);
  return f;
}

void GuestSession::probe_capabilities(SessionFacts& f) {
  timed_phase(out_.phases, "modules", [&] { return call<proto::LoadModules>(guest_, {o_.modules}, o_.step_timeout); });
  // After the modules: drivers and debugfs files appear with them.
  const auto info = call<proto::Info>(guest_, {}, o_.step_timeout);
  for (auto& [k, v] : info.caps) f.caps.set(k, v);
  f.vcpus = info.vcpus;
  f.isolated_cpu = info.isolated_cpu;
  std::map<std::string, std::string> cap_of;
  proto::KprobesArm::Request req;
  for (auto& k : default_kprobes()) {
    cap_of[k.event] = (k.ret ? "kretprobe:" : "kprobe:") + k.symbol;
    f.caps.set(cap_of[k.event], false);
    req.probes.push_back({k.event, k.definition()});
  }
  if (!f.caps.has("trace:kprobe_events")) return;
  auto armed = timed_phase(out_.phases, "kprobes", [&] { return call<proto::KprobesArm>(guest_, req, o_.step_timeout); });
  for (auto& ev : armed.armed) f.caps.set(cap_of.at(ev), true);
  out_.capabilities["kprobes_failed"] = armed.failed;
}

void GuestSession::create_region(SessionFacts& f) {
  const RegionPlan& plan = o_.region;
  proto::CxlCreateRegion::Request req;
  req.serials = plan.serials;
  req.granularity = plan.granularity;
  req.mode = plan.mode;
  req.window = static_cast<unsigned>(plan.window);
  req.dpa_size = plan.per_device;
  if (plan.mode == "pmem") req.uuid = uuid_from_seed(o_.seed);
  const auto region = timed_phase(out_.phases, "region", [&] { return call<proto::CxlCreateRegion>(guest_, req, o_.step_timeout); });
  out_.capabilities["region"] = region;
  // The guest's decoders, targets and size must match what the topology file asks for.
  CheckRow region_row = judge_region(plan, region);
  region_row.key = o_.row_prefix + region_row.key;
  out_.rows.push_back(region_row);
  RegionFacts& r = f.region;
  r.name = region.region;
  r.dax_region = region.dax_region.value_or("");
  r.seed_device = region.device.value_or("");
  r.geometry = {region.start, region.size, static_cast<unsigned>(region.interleave_ways), region.interleave_granularity};
  bool poison_list = !region.targets.empty(), inject_poison = !region.targets.empty();
  for (auto& t : region.targets) {
    RegionFacts::Target rt{t.memdev, "", t.dpa_resource};
    if (const Type3Device* d = topo_.device_by_serial(t.serial)) rt.type3_id = d->id;
    poison_list = poison_list && t.poison_list;
    inject_poison = inject_poison && t.inject_poison;
    r.targets.push_back(rt);
  }
  // Device poison is read back through the memdevs' poison lists on either path.
  f.caps.set("cxl:poison_list", poison_list);
  f.caps.set("cxl:inject_poison", inject_poison);
}

void GuestSession::probe_dcd(SessionFacts& f) {
  const Type3Device* dcd = topo_.first_dcd();
  if (!dcd) return;
  proto::CxlDcdProbe::Request req;
  req.serial = dcd->serial;
  req.settle_ms = 0;
  auto p = timed_phase(out_.phases, "dcd probe", [&] { return call<proto::CxlDcdProbe>(guest_, req, o_.step_timeout); });
  f.caps.set("cxl:dcd", p.supported);
  out_.capabilities["dcd_probe"] = p;
}

}  // namespace cxlrig
