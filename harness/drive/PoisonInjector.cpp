#include "PoisonInjector.h"

#include "Hex.h"
#include "HmpRegisters.h"

namespace cxlrig {

namespace {
// MCi_STATUS: VAL|UC|EN|MISCV|ADDRV|S, MCACOD 0xc0 (memory scrubbing: SRAO); the AR one
// adds AR and MCACOD 0x134 (data load: SRAR). MCG_STATUS: MCIP|RIPV (AO), MCIP|RIPV|EIPV
// (AR). MCi_MISC 0x8c: address mode physical (2 << 6), LSB 12 (a 4 KiB page).
constexpr uint64_t kStatusAo = 0xbd000000000000c0ull, kMcgAo = 0x5;
constexpr uint64_t kStatusAr = 0xbd80000000000134ull, kMcgAr = 0x7;
constexpr uint64_t kMisc = 0x8c;
constexpr int kBank = 9;
constexpr int kArAttempts = 200;  // stop/look/cont rounds before an AR injection gives up

void parse_observed(const proto::Observed& o, InjectionObservation& obs) {
  obs.events = parse_trace(o.trace);
  for (auto& k : o.kmsg) obs.kmsg.push_back(kmsg_message(k));
  for (auto& sg : o.signals) obs.signals.push_back({sg.signo, sg.code, sg.addr, sg.addr_lsb});
  obs.event_seen = o.event_seen;
  if (o.holder) {
    obs.holder.emplace();
    for (auto& h : *o.holder) obs.holder->push_back({h.offset, h.len, h.flags});
  }
}
}  // namespace

std::string mce_command(PoisonPath path, int cpu, uint64_t phys) {
  const bool ar = path == PoisonPath::kMceAr;
  return "mce -b " + std::to_string(cpu) + " " + std::to_string(kBank) + " " + hex(ar ? kStatusAr : kStatusAo) + " " +
         hex(ar ? kMcgAr : kMcgAo) + " " + hex(phys) + " " + hex(kMisc);
}


nlohmann::json PoisonInjector::host_action(const InjectionRequest& r) {
  if (r.path == PoisonPath::kCxlQmp)
    return vm_.qmp("cxl-inject-poison", {{"path", r.type3_qom}, {"start", r.dpa->dpa}, {"length", 64}}, timeout_);
  const bool ar = r.path == PoisonPath::kMceAr;
  auto send_mce = [&] {
    auto out = vm_.qmp("human-monitor-command", {{"command-line", mce_command(r.path, ar ? r.consumer_cpu : 0, r.phys)}},
                       timeout_);
    // HMP reports refusals as text ("CPU 1: Uncorrected error reporting disabled ...").
    if (out.is_string() && !out.get<std::string>().empty()) throw InfraError("HMP mce: " + out.get<std::string>());
    return out;
  };
  if (!ar) return send_mce();
  // An AR machine check that lands in kernel mode panics the guest. The consumer spins in
  // user mode on an isolated vCPU, yet an IPI or a tick can still have that vCPU in the
  // kernel at the moment of injection (seen under load). So the VM is stopped, the vCPU's
  // privilege level read, and the MCE injected only at CPL 3: it is delivered at that user
  // instruction on resume. Otherwise resume and look again.
  // Resumes the VM however a look ends (a failed resume shows up as the next step's timeout).
  struct Resume {
    Guest& vm;
    Millis timeout;
    ~Resume() {
      try {
        vm.qmp("cont", nlohmann::json::object(), timeout);
      } catch (...) {
      }
    }
  };
  for (int attempt = 0; attempt < kArAttempts; ++attempt) {
    vm_.qmp("stop", nlohmann::json::object(), timeout_);
    Resume resume{vm_, timeout_};
    auto regs = vm_.qmp("human-monitor-command", {{"command-line", "info registers"}, {"cpu-index", r.consumer_cpu}},
                        timeout_);
    const std::string text = regs.is_string() ? regs.get<std::string>() : regs.dump();
    const auto cpl = cpl_from_registers(text);
    if (!cpl) throw InfraError("HMP info registers for vCPU " + std::to_string(r.consumer_cpu) + " shows no CPL: " + text);
    if (*cpl == 3) return send_mce();
  }
  throw InfraError("vCPU " + std::to_string(r.consumer_cpu) + " was in kernel mode at each of " +
                   std::to_string(kArAttempts) + " looks; the AR MCE was not injected");
}

InjectionObservation PoisonInjector::inject(const InjectionRequest& r) {
  InjectionObservation obs;
  const PathTraits& t = traits(r.path);
  const size_t qmp_before = vm_.qmp_events().size();
  proto::CollectArgs collect;
  collect.signals = static_cast<int>(r.expect_signals);
  // Settle on the kernel's word (every memory_failure() returned, no SIGBUS queued) rather
  // than a fixed 30 ms: 31 windows of a default run spent 0.9 s in it. That holds where
  // memory_failure() has started by the time the agent settles: the guest paths call it
  // synchronously, and the host's MCE windows first wait for its return. Device poison
  // (a CXL poison list entry) keeps the fixed settle: whether and when the kernel acts on
  // it is what that window watches for.
  if (r.mf_return_probe && r.mf_entry_probe && !t.device_poison)
    collect.calls = std::vector<std::string>{kMemoryFailureEvent, kMemoryFailureReturnEvent};
  if (!t.host_side && !t.device_poison) {
    proto::Inject::Request req{r.path, r.phys, r.device, r.early_kill, r.dev_offset, collect};
    auto res = call<proto::Inject>(vm_, req, timeout_);
    obs.err = res.err;
    parse_observed(res.observed, obs);
  } else {
    proto::ObserveBegin::Request begin{r.early_kill, std::nullopt};
    if (r.path == PoisonPath::kMceAr) begin.spin_cpu = r.consumer_cpu;
    call<proto::ObserveBegin>(vm_, begin, timeout_);
    try {
      if (t.host_side) host_action(r);
    } catch (const InfraError& e) {
      obs.err_text = e.what();
      proto::CollectArgs stop;  // stop the consumer spinning
      stop.settle_ms = 0;
      call<proto::Collect>(vm_, stop, timeout_);
      return obs;
    }
    if (t.device_poison) {
      auto res = call<proto::CxlPoison>(vm_, {r.dpa->memdev, r.dpa->dpa, r.path == PoisonPath::kCxlDebugfs, collect}, timeout_);
      obs.err = res.err;
      parse_observed(res.observed, obs);
      obs.listed = cxl_poison_records(obs.events);
      obs.after_clear = cxl_poison_records(parse_trace(res.after_clear));
      obs.clear_err = res.clear_err;
      if (r.path == PoisonPath::kCxlDebugfs && obs.err)
        obs.err_text = "debugfs inject_poison failed with errno " + std::to_string(obs.err);
    } else {
      // MCE AO runs memory_failure() later, in a kworker: wait for its kretprobe, or
      // (without one) long enough for the work to run.
      proto::CollectArgs c = collect;
      if (r.mf_return_probe) c.wait_event = kMemoryFailureReturnEvent;
      else c.settle_ms = 1000;
      parse_observed(call<proto::Collect>(vm_, c, timeout_), obs);
      obs.waited_for_return = r.mf_return_probe;
    }
  }
  const auto& ev = vm_.qmp_events();
  for (size_t i = qmp_before; i < ev.size(); ++i) {
    const auto& b = ev[i].body;
    if (b.value("event", "") != "MEMORY_FAILURE") continue;
    const auto& d = b.value("data", nlohmann::json::object());
    obs.qmp.push_back({d.value("recipient", ""), d.value("action", ""),
                       d.value("flags", nlohmann::json::object()).value("action-required", false)});
  }
  return obs;
}

}  // namespace cxlrig
