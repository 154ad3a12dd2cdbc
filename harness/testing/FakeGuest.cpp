#include "FakeGuest.h"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "AgentProtocol.h"
#include "Vm.h"

namespace cxlrig::test {

namespace {
std::string x(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
// tracefs lines as the kernel prints kprobe events (TraceParser reads them back).
std::string trace_line(const std::string& event, const std::string& fields) {
  return "    cxlrig-agent-42    [000] .....    12.345678: " + event + ": (sym+0x0/0x40) " + fields;
}
}  // namespace

FakeGuest::FakeGuest(const RegionPlan& plan, uint64_t region_base) : plan_(plan), base_(region_base) {
  for (auto& c : proto::kCapabilities)
    if (c.probe != proto::Probe::kHost) caps[c.key] = true;
  caps["cxl:dcd"] = false;
  caps["kernel:kasan"] = caps["kernel:kcsan"] = caps["kernel:lockdep"] = false;
}

// A race on the fake kernel prints nothing by itself (tests script the splats with an
// on("race_run") handler): 100 iterations per stressor (or its own count), a grow taking
// every range it is given while the device is bound on Debian's 7.3.4 and EBUSY on each
// with the fix. A held device's holder is told the right offset of each page a poison
// stressor hit once (a page already poisoned notifies no more).
nlohmann::json FakeGuest::race(const nlohmann::json& args) {
  auto req = args.get<proto::RaceRun::Request>();
  Device& d = devices_[req.device];
  proto::RaceRun::Reply r;
  // Before the grows below: the offsets the kernel reports for the starting table.
  for (auto& s : req.stressors) {
    r.holder_read |= req.hold || s.action == "holder_churn";
    if (s.action != "poison") continue;
    const size_t n = std::min<size_t>(s.iterations ? s.iterations : 100, s.pfns.size());
    for (size_t i = 0; i < n; ++i)
      if (auto hit = owner(s.pfns[i] * 4096)) holder_events_.push_back({hit->second, 4096, 0});
  }
  if (r.holder_read) r.holder_events = std::move(holder_events_);
  holder_events_.clear();
  for (auto& s : req.stressors) {
    proto::RaceRun::Result x;
    x.action = s.action;
    x.cpu = s.cpu;
    x.iterations = s.iterations ? s.iterations : 100;
    x.stopped = s.iterations ? "iterations" : "duration";
    if (s.action == "grow_mapping") {
      if (!mapping_while_bound_accepted) {
        x.errors["EBUSY"] = x.iterations;
        x.first_error = "mapping: EBUSY";
      } else {
        const size_t n = std::min<size_t>(x.iterations, s.grow.size());
        for (size_t i = 0; i < n; ++i) d.ranges.push_back({s.grow[i].start, s.grow[i].end});
        d.grown_while_bound = n > 0;
        if (n < x.iterations) x.iterations = n + 1, x.stopped = "out_of_ranges";
      }
    }
    x.elapsed_ms = req.duration_ms;
    r.stressors.push_back(x);
  }
  r.elapsed_ms = req.duration_ms;
  readback(d, r.size_after);
  r.driver_after = d.driver;
  return r;
}

size_t FakeGuest::count(const std::string& call) const { return std::count(calls.begin(), calls.end(), call); }

nlohmann::json FakeGuest::info() const {
  proto::Info::Reply r;
  r.kernel = kernel;
  r.machine = "x86_64";
  for (auto& [k, v] : caps)
    if (proto::find_capability(k) && proto::find_capability(k)->probe != proto::Probe::kHost) r.caps[k] = v;
  r.vcpus = 2;
  r.isolated_cpu = 1;
  return r;
}

nlohmann::json FakeGuest::wait_ready(Millis) {
  calls.push_back("ready");
  call_args.push_back(nullptr);
  nlohmann::json j = info();
  j["event"] = proto::kReadyEvent;
  return j;
}

nlohmann::json FakeGuest::create_region(const nlohmann::json&) {
  proto::CxlCreateRegion::Reply r;
  r.region = "region0";
  r.root_decoder = "decoder0." + std::to_string(plan_.window);
  r.mode = plan_.mode;
  r.start = base_;
  r.size = plan_.size;
  r.interleave_ways = plan_.ways();
  r.interleave_granularity = plan_.granularity;
  r.decoders.push_back({r.root_decoder, "root0/" + r.root_decoder, plan_.root_ways, plan_.root_granularity, base_, plan_.size});
  int port = 1;
  for (auto& [_, ways] : plan_.bridge_ways) {
    const std::string n = "decoder" + std::to_string(port) + ".0";
    r.decoders.push_back({n, "root0/port" + std::to_string(port) + "/" + n, ways, plan_.granularity, base_, plan_.size});
    ++port;
  }
  for (unsigned i = 0; i < plan_.ways(); ++i) {
    const std::string ep = "endpoint" + std::to_string(10 + i), dec = "decoder" + std::to_string(10 + i) + ".0";
    r.targets.push_back({"mem" + std::to_string(i), plan_.serials[i], i, ep, dec, 0x0, plan_.per_device, caps["cxl:poison_trace"],
                         caps["cxl:poison_trace"]});
    proto::CxlCreateRegion::Decoder d{dec, "root0/port1/" + ep + "/" + dec, plan_.ways(), plan_.granularity, base_,
                                      plan_.size};
    d.mode = plan_.mode;
    d.dpa_size = plan_.per_device;
    d.dpa_resource = 0;
    r.decoders.push_back(d);
  }
  if (plan_.mode == "ram") {
    r.dax_region = "/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0";
    r.device = "dax0.0";
    devices_["dax0.0"];
  }
  return r;
}

// The device's mappingN as sysfs shows them (page_offset in write order), and its size.
std::vector<proto::MappingReadback> FakeGuest::readback(const Device& d, uint64_t& size) {
  std::vector<proto::MappingReadback> out;
  uint64_t pages = 0;
  size = 0;
  for (auto& [s, e] : d.ranges) {
    out.push_back({s, e, pages});
    pages += (e - s + 1) / 4096;
    size += e - s + 1;
  }
  return out;
}

nlohmann::json FakeGuest::layout(const nlohmann::json& args) {
  auto req = args.get<proto::DaxLayout::Request>();
  Device& d = devices_[req.device];
  d.driver.clear();
  if (!req.ranges.empty()) {
    d.ranges.clear();
    if (req.align) d.align = *req.align;
    for (auto& r : req.ranges) d.ranges.push_back({r.start, r.end});
  }
  proto::DaxLayout::Reply rb{req.device, 0, d.align, {}};
  rb.ranges = readback(d, rb.size);
  return rb;
}

std::optional<std::pair<std::string, uint64_t>> FakeGuest::owner(uint64_t phys) const {
  for (auto& [name, d] : devices_) {
    uint64_t before = 0;
    for (size_t i = 0; i < d.ranges.size() && (d.driver.empty() || i < d.pgmap_ranges); ++i) {
      const auto& [s, e] = d.ranges[i];
      if (phys >= s && phys <= e) {
        const uint64_t first = d.ranges.front().first;
        return std::make_pair(name, fsdev_offset_from_first_range && d.driver == "fsdev_dax" ? phys - first
                                                                                            : before + (phys - s));
      }
      before += e - s + 1;
    }
  }
  return std::nullopt;
}

// The guest poison paths on a fixed kernel: memory_failure() is entered with the path's
// flags, logs the pfn, notifies an fsdev_dax holder of the offset and signals a device_dax
// mapper (the agent) with BUS_MCEERR_AR at the mapping's block.
nlohmann::json FakeGuest::inject(const nlohmann::json& args) {
  auto req = args.get<proto::Inject::Request>();
  proto::Inject::Reply out;
  if (req.path == proto::PoisonPath::kMadvise && !caps["syscall:madvise"]) {
    out.err = 38;  // ENOSYS: no CONFIG_ADVISE_SYSCALLS
    return out;
  }
  const int flags = req.path == proto::PoisonPath::kMadvise ? 0x23 : 0x20;
  const uint64_t pfn = req.phys / 4096;
  const auto hit = owner(req.phys);
  if (!hit && req.path == proto::PoisonPath::kCorruptPfn) {
    out.err = 6;  // ENXIO: no struct page
    return out;
  }
  out.observed.trace.push_back(trace_line("cxlrig_mf", "pfn=" + x(pfn) + " flags=" + x(flags)));
  out.observed.kmsg.push_back("3,100,1000,-;Memory failure: " + x(pfn) + ": recovery action for dax page: Recovered");
  if (hit) {
    const Device& d = devices_.at(hit->first);
    if (d.driver == "fsdev_dax")
      out.observed.trace.push_back(trace_line("cxlrig_notify", "offset=" + x(hit->second) + " len=0x1000 flags=" + x(flags)));
    if (d.driver == "fsdev_dax" && held_ == hit->first) holder_events_.push_back({hit->second, 0x1000, flags});
    if (d.driver == "device_dax" && d.map_base)
      out.observed.signals.push_back({7, 4, d.map_base + (hit->second & ~(d.align - 1)), std::countr_zero(d.align), false});
  }
  if (!held_.empty()) {
    out.observed.holder = std::move(holder_events_);
    holder_events_.clear();
  }
  return out;
}

// What 7.3.4 printed for the Oopses a grown bound device leads to, and what the Vm then
// throws: the agent's task died with them.
void FakeGuest::oops(const std::string& function, const std::string& op) {
  if (console) {
    console->scan("[   13.490464] BUG: unable to handle page fault for address: ffe154d44fc10008");
    console->scan("[   13.519904] Oops: Oops: 0000 [#1] SMP NOPTI");
    console->scan("[   13.527938] RIP: 0010:" + function + ".isra.0+0x70/0xb0 [device_dax]");
    console->scan("[   13.551414] Call Trace:");
    console->scan("[   13.552044]  dev_dax_huge_fault+0x310/0x490 [device_dax]");
    console->scan("[   13.560000] ---[ end trace 0000000000000000 ]---");
  }
  throw GuestSplatted("the guest kernel oopsed while the agent ran " + op + " and no reply came (see console.log)");
}

nlohmann::json FakeGuest::agent(const std::string& op, const nlohmann::json& args, Millis) {
  calls.push_back(op);
  call_args.push_back(args);
  if (auto it = handlers_.find(op); it != handlers_.end()) return it->second(args);
  if (op == proto::Info::name) return info();
  if (op == proto::LoadModules::name) return proto::LoadModules::Reply{args.at("modules").get<std::vector<std::string>>()};
  if (op == proto::KprobesArm::name) {
    proto::KprobesArm::Reply r;
    for (auto& p : args.at("probes")) r.armed.push_back(p.at("event").get<std::string>());
    return r;
  }
  if (op == proto::CxlCreateRegion::name) return create_region(args);
  if (op == proto::DaxCreate::name) {
    const std::string name = "dax0." + std::to_string(next_device_++);
    devices_[name];
    return proto::DaxCreate::Reply{name};
  }
  if (op == proto::DaxLayout::name) return layout(args);
  if (op == proto::DaxBind::name) {
    auto req = args.get<proto::DaxBind::Request>();
    devices_[req.device].driver = req.driver;
    devices_[req.device].pgmap_ranges = devices_[req.device].ranges.size();
    return req;
  }
  if (op == proto::DaxWrite::name) {
    auto req = args.get<proto::DaxWrite::Request>();
    Device& d = devices_[req.device];
    proto::DaxWrite::Reply r;
    const bool bound = !d.driver.empty();
    if (req.attr == "size" && bound) r.err = 16;
    if (req.attr == "mapping") {
      if (bound && !mapping_while_bound_accepted) {
        r.err = 16;
      } else {
        const auto dash = req.value.find('-');
        d.ranges.push_back({std::stoull(req.value.substr(0, dash), nullptr, 0), std::stoull(req.value.substr(dash + 1), nullptr, 0)});
        d.grown_while_bound = bound;
      }
    }
    r.driver = d.driver;
    r.ranges = readback(d, r.size);
    return r;
  }
  if (op == proto::DaxMmap::name) {
    auto req = args.get<proto::DaxMmap::Request>();
    if (devices_[req.device].grown_while_bound) oops("dax_set_mapping", op);
    devices_[req.device].map_base = next_map_;
    next_map_ += 1ull << 36;
    return proto::DaxMmap::Reply{req.device, devices_[req.device].map_base, req.size};
  }
  if (op == proto::DaxTeardown::name) {
    for (auto& d : args.at("devices")) {
      Device& dev = devices_[d.get<std::string>()];
      if (dev.grown_while_bound && dev.driver == "fsdev_dax") oops("fsdev_clear_folio_state", op);
      dev.driver.clear();
      if (!dev.fixed) dev.ranges.clear();
      dev.map_base = 0;
    }
    return nlohmann::json::object();
  }
  if (op == proto::Inject::name) return inject(args);
  if (op == proto::Holder::name) {
    if (!caps["module:cxlrig_holder"]) throw AgentStepError(AgentFailure{op, {"no cxlrig_holder module", 2, "", ""}});
    held_ = args.at("device").get<std::string>();
    holder_events_.clear();
    return proto::Holder::Reply{held_.empty() ? "" : "252:0"};
  }
  if (op == proto::RaceRun::name) return race(args);
  if (op == proto::CxlDcdProbe::name) {
    proto::CxlDcdProbe::Reply r;
    r.memdev = "mem0";
    r.supported = caps["cxl:dcd"];
    r.partitions = {"ram"};
    return r;
  }
  if (op == proto::NdDevdaxCreate::name) {
    proto::NdDevdaxCreate::Reply r{"region1", "namespace1.0", "dax1.0", "dax1.0", base_, plan_.size, base_ + (18ull << 20),
                                   4096, base_ + (18ull << 20), base_ + plan_.size - 1};
    devices_["dax1.0"].ranges = {{r.start, r.end}};
    devices_["dax1.0"].fixed = true;
    return r;
  }
  throw AgentStepError(AgentFailure{op, {"the fake guest has no handler for " + op, 38, "", ""}});
}

QmpMessage FakeGuest::qmp_reply(const std::string& execute, const nlohmann::json& args, Millis) {
  calls.push_back("qmp:" + execute);
  call_args.push_back(args);
  if (auto it = qmp_handlers_.find(execute); it != qmp_handlers_.end()) return it->second(args);
  return {QmpMessage::kReturn, std::nullopt, nlohmann::json::object(), ""};
}

}  // namespace cxlrig::test
