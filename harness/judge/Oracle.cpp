#include "Oracle.h"

#include <algorithm>
#include <bit>
#include <set>

#include "Hex.h"
#include "InjectionRefusal.h"

namespace cxlrig {

namespace {

CheckRow base_row(const RowOrigin& origin, const PoisonTarget& t, const std::string& device, const std::string& driver) {
  CheckRow row;
  row.key = injection_key(origin, t.range, t.point, to_string(t.path));
  row.id = device + "/" + (t.range ? "r" + std::to_string(*t.range) : std::string("hole")) + "/" + t.point + "/" +
           to_string(t.path);
  row.device = device;
  row.driver = driver;
  row.range = t.range;
  row.point = t.point;
  row.phys = t.phys;
  row.path = to_string(t.path);
  return row;
}

// Builds one observer's cell; fail() marks it and says why on the row.
struct CellBuilder {
  CheckRow& row;
  ObserverCell c;
  CellBuilder(CheckRow& r, const char* name, std::string expected) : row(r) {
    c.observer = name;
    c.expected = std::move(expected);
  }
  void fail(const std::string& why) {
    c.verdict = Verdict::kFail;
    row.verdict = Verdict::kFail;
    row.reason += (row.reason.empty() ? "" : "; ") + c.observer + ": " + why;
  }
  ~CellBuilder() { row.cells.push_back(c); }
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s.empty() ? "none" : s;
}

void judge_mf(CheckRow& row, uint64_t pfn, const ExpectedObservations& e, const InjectionObservation& obs) {
  CellBuilder b(row, "mf", e.mf_entry == Presence::kNone ? "none" : hex(pfn) + "/" + hex(e.mf_flags));
  if (!obs.mf_probe_armed) {
    b.c.observed = "unarmed";
    b.c.verdict = Verdict::kSkip;
    return;
  }
  std::vector<std::string> seen;
  bool match = false;
  size_t n = 0;
  for (auto& ev : obs.events) {
    if (ev.event != kMemoryFailureEvent) continue;
    ++n;
    auto p = ev.u64("pfn");
    auto f = ev.u64("flags");
    seen.push_back((p ? hex(*p) : "?") + "/" + (f ? hex(*f) : "?"));
    match = match || (p == pfn && f == static_cast<uint64_t>(e.mf_flags));
  }
  b.c.observed = join(seen);
  if (e.mf_entry == Presence::kNone && n) return b.fail("memory_failure() was entered but this path must not reach it");
  if (e.mf_entry == Presence::kOnce) {
    // The window waited for memory_failure() to return and gave up: an entry alone does
    // not show it finished (a hung kworker looks like a pass otherwise).
    if (obs.waited_for_return && !obs.event_seen)
      return b.fail("memory_failure() did not return within the collect window (its kretprobe never fired)");
    if (n == 0) return b.fail("memory_failure() was not entered");
    if (!match) return b.fail("memory_failure() entered with " + seen.front() + ", want " + b.c.expected);
    if (n > 1) return b.fail(std::to_string(n) + " memory_failure() calls for one injection");
  }
}

void judge_kmsg(CheckRow& row, uint64_t pfn, const ExpectedObservations& e, const InjectionObservation& obs) {
  CellBuilder b(row, "kmsg", e.kmsg == Presence::kOnce ? hex(pfn) : e.kmsg == Presence::kNone ? "none" : "none or " + hex(pfn));
  std::set<uint64_t> pfns;
  for (auto& m : obs.kmsg)
    if (auto p = memory_failure_pfn(m)) pfns.insert(*p);
  std::vector<std::string> seen;
  for (auto p : pfns) seen.push_back(hex(p));
  b.c.observed = join(seen);
  if (e.kmsg == Presence::kNone && !pfns.empty()) return b.fail("the kernel logged a memory failure this path must not cause");
  if (e.kmsg == Presence::kOnce && pfns.empty()) return b.fail("no \"Memory failure: <pfn>\" line in the kernel log");
  if (!pfns.empty() && (pfns.size() > 1 || *pfns.begin() != pfn)) return b.fail("kernel log names pfn " + join(seen) + ", want " + hex(pfn));
}

// What dax_holder_notify_failure() must be called with: offset/flags, or why not at all.
std::string notify_want(const std::optional<RangeHit>& hit, const ExpectedObservations& e) {
  return e.notify == Presence::kOnce       ? hex(hit->dev_offset) + "/" + hex(e.notify_flags)
         : e.notify == Presence::kOptional ? "none or " + hex(kOffsetOutside)
                                           : "none";
}

// One call of dax_holder_notify_failure(), as the kprobe or the holder saw it.
struct Notice {
  std::optional<uint64_t> offset, len, flags;
};

enum class NoticeProblem { kNone, kToldOnNone, kOutsideAttributed, kNotTold, kWrongOffset, kWrongFlags, kWrongLen, kRepeated };

// The rule both observers of the notify are held to: none where the path must not notify,
// none or U64_MAX outside every range, else once, at the offset and flags, for one page.
NoticeProblem notice_problem(const std::vector<Notice>& n, const std::optional<RangeHit>& hit, const ExpectedObservations& e) {
  if (e.notify == Presence::kNone) return n.empty() ? NoticeProblem::kNone : NoticeProblem::kToldOnNone;
  if (e.notify == Presence::kOptional)
    return !n.empty() && n.front().offset != kOffsetOutside ? NoticeProblem::kOutsideAttributed : NoticeProblem::kNone;
  if (n.empty()) return NoticeProblem::kNotTold;
  if (n.front().offset != hit->dev_offset) return NoticeProblem::kWrongOffset;
  if (n.front().flags != static_cast<uint64_t>(e.notify_flags)) return NoticeProblem::kWrongFlags;
  if (n.front().len != kPageSize) return NoticeProblem::kWrongLen;
  if (n.size() > 1) return NoticeProblem::kRepeated;
  return NoticeProblem::kNone;
}

std::string notice_text(const Notice& n) {
  return (n.offset ? hex(*n.offset) : "?") + "/" + (n.flags ? hex(*n.flags) : "?");
}

void judge_notify(CheckRow& row, const std::optional<RangeHit>& hit, const ExpectedObservations& e,
                  const InjectionObservation& obs) {
  std::vector<Notice> notes;
  for (auto& ev : obs.events)
    if (ev.event == kNotifyEvent) {
      notes.push_back({ev.u64("offset"), ev.u64("len"), ev.u64("flags")});
      if (notes.size() == 1) row.details["notify_len"] = ev.fields.count("len") ? ev.fields.at("len") : "";
    }
  CellBuilder b(row, "notify", notify_want(hit, e));
  std::vector<std::string> seen;
  for (auto& n : notes) seen.push_back(notice_text(n));
  b.c.observed = join(seen);
  switch (notice_problem(notes, hit, e)) {
    case NoticeProblem::kNone: return;
    case NoticeProblem::kToldOnNone: return b.fail("dax_holder_notify_failure() was called; this device must not notify");
    case NoticeProblem::kOutsideAttributed: return b.fail("a pfn outside every range was attributed to a device offset");
    case NoticeProblem::kNotTold: return b.fail("dax_holder_notify_failure() was not called");
    case NoticeProblem::kWrongOffset: return b.fail("reported offset differs from page_offset*4096 + (P - start)");
    case NoticeProblem::kWrongFlags: return b.fail("mf_flags " + seen.front() + " differ from the path's " + hex(e.notify_flags));
    case NoticeProblem::kWrongLen: return b.fail("len is not one page");
    case NoticeProblem::kRepeated: return b.fail(std::to_string(notes.size()) + " notify calls for one page");
  }
}

// What the holder was told must be what the notify kprobe saw: dax_holder_notify_failure()
// hands its offset, len and flags to holder_ops->notify_failure unchanged.
void judge_holder(CheckRow& row, const std::optional<RangeHit>& hit, const ExpectedObservations& e,
                  const InjectionObservation& obs) {
  CellBuilder b(row, "holder", notify_want(hit, e));
  if (!obs.holder) {
    b.c.observed = "not held: " + obs.holder_error;
    return b.fail("cxlrig_holder could not hold the device: " + obs.holder_error);
  }
  std::vector<Notice> told;
  for (auto& h : *obs.holder) told.push_back({h.offset, h.len, static_cast<uint64_t>(h.flags)});
  std::vector<std::string> seen;
  for (auto& n : told) seen.push_back(notice_text(n));
  b.c.observed = join(seen);
  switch (notice_problem(told, hit, e)) {
    case NoticeProblem::kNone: return;
    case NoticeProblem::kToldOnNone: return b.fail("the holder was told of a failure on this device");
    case NoticeProblem::kOutsideAttributed: return b.fail("the holder was told a device offset for a pfn outside every range");
    case NoticeProblem::kNotTold: return b.fail("the holder was not told");
    case NoticeProblem::kWrongOffset:
      return b.fail("the holder was told offset " + hex(*told.front().offset) + ", not page_offset*4096 + (P - start)");
    case NoticeProblem::kWrongFlags:
      return b.fail("the holder was told mf_flags " + hex(*told.front().flags) + ", not the path's " + hex(e.notify_flags));
    case NoticeProblem::kWrongLen: return b.fail("the holder was told a len that is not one page");
    case NoticeProblem::kRepeated: return b.fail("the holder was told " + std::to_string(told.size()) + " times of one page");
  }
}

std::string describe(const SigInfo& s, uint64_t base) {
  std::string code = s.code == kBusMceerrAr ? "AR" : s.code == kBusMceerrAo ? "AO" : s.code == kSiKernel ? "KERNEL" : std::to_string(s.code);
  if (s.code == kSiKernel) return code;
  return code + (s.addr >= base ? "+" + hex(s.addr - base) : "@" + hex(s.addr)) + "/" + std::to_string(s.addr_lsb);
}

void judge_sigbus(CheckRow& row, const std::optional<RangeHit>& hit, uint64_t align, const ExpectedObservations& e,
                  const InjectionObservation& obs) {
  std::vector<const SigInfo*> bus;
  for (auto& s : obs.signals)
    if (s.signo == 7 /* SIGBUS */) bus.push_back(&s);
  const int want_lsb = std::countr_zero(align);
  const uint64_t want_block = hit ? hit->dev_offset & ~(align - 1) : 0;
  std::string want = e.signal == SignalKind::kNone ? "none"
                     : e.signal == SignalKind::kKernel ? "KERNEL"
                     : std::string(e.signal == SignalKind::kMceerrAr ? "AR" : "AO") + "+" + hex(want_block) + "/" + std::to_string(want_lsb);
  CellBuilder b(row, "sigbus", want);
  std::vector<std::string> seen;
  for (auto* s : bus) seen.push_back(describe(*s, obs.map_base));
  b.c.observed = join(seen);
  if (!bus.empty()) {
    row.details["si_addr"] = hex(bus.front()->addr);
    row.details["si_code"] = bus.front()->code;
    row.details["si_addr_lsb"] = bus.front()->addr_lsb;
  }
  if (e.signal == SignalKind::kNone) {
    if (!bus.empty()) b.fail("SIGBUS where none is due");
    return;
  }
  if (bus.empty()) return b.fail("no SIGBUS delivered");
  if (bus.size() > 1) b.fail(std::to_string(bus.size()) + " SIGBUS for one injection");
  const SigInfo& s = *bus.front();
  if (e.signal == SignalKind::kKernel) {
    if (s.code != kSiKernel) b.fail("si_code " + std::to_string(s.code) + ", want SI_KERNEL");
    return;
  }
  const int want_code = e.signal == SignalKind::kMceerrAr ? kBusMceerrAr : kBusMceerrAo;
  if (s.code != want_code) b.fail("si_code " + std::to_string(s.code) + ", want " + to_string(e.signal));
  if (s.addr_lsb != want_lsb) b.fail("si_addr_lsb " + std::to_string(s.addr_lsb) + ", want " + std::to_string(want_lsb));
  // si_addr_lsb gives the extent: the reported block is si_addr with the low bits cleared.
  const uint64_t mask = s.addr_lsb > 0 && s.addr_lsb < 64 ? ~((uint64_t{1} << s.addr_lsb) - 1) : ~uint64_t{0};
  if (s.addr < obs.map_base || ((s.addr - obs.map_base) & mask) != want_block)
    b.fail("si_addr - base is not the poisoned block's offset " + hex(want_block));
}

void judge_qmp(CheckRow& row, const ExpectedObservations& e, const InjectionObservation& obs) {
  CellBuilder b(row, "qmp", e.qmp_events == 0 ? "none" : std::to_string(e.qmp_events) + (e.qmp_action_required ? "(1 AR)" : "(AO)"));
  size_t ar = 0;
  bool all_inject = true;
  for (auto& q : obs.qmp) {
    ar += q.action_required;
    all_inject = all_inject && q.action == "inject" && q.recipient == "guest";
  }
  b.c.observed = obs.qmp.empty() ? "none" : std::to_string(obs.qmp.size()) + "(" + std::to_string(ar) + " AR)";
  if (obs.qmp.size() != e.qmp_events)
    return b.fail(std::to_string(obs.qmp.size()) + " MEMORY_FAILURE events, want " + std::to_string(e.qmp_events));
  if (!all_inject) return b.fail("a MEMORY_FAILURE event is not guest/inject (QEMU reset or ignored the MCE)");
  if (ar != (e.qmp_action_required ? 1u : 0u)) return b.fail(std::to_string(ar) + " events carry action-required");
}

void judge_cxl(CheckRow& row, uint64_t phys, const std::optional<DpaTarget>& dpa, const InjectionObservation& obs) {
  CellBuilder b(row, "cxl", dpa ? "hpa " + hex(phys) + " dpa " + hex(dpa->dpa) + ", cleared" : "?");
  if (!dpa) return b.fail("internal: no DPA for the target");
  row.details["memdev"] = dpa->memdev;
  row.details["dpa"] = hex(dpa->dpa);
  const CxlPoisonRecord* rec = nullptr;
  for (auto& r : obs.listed)
    if (r.memdev == dpa->memdev && r.dpa <= dpa->dpa && dpa->dpa < r.dpa + std::max<uint64_t>(r.dpa_len, 1)) rec = &r;
  if (!rec) {
    b.c.observed = std::to_string(obs.listed.size()) + " records, none at the dpa";
    return b.fail("the poison list has no record at dpa " + hex(dpa->dpa));
  }
  b.c.observed = "hpa " + (rec->hpa ? hex(*rec->hpa) : std::string("none")) + " dpa " + hex(rec->dpa);
  row.details["cxl_source"] = rec->source;
  row.details["cxl_region"] = rec->region;
  row.details["dpa_len"] = rec->dpa_len;
  if (rec->dpa != dpa->dpa) b.fail("record dpa " + hex(rec->dpa) + ", injected " + hex(dpa->dpa));
  if (!rec->hpa || *rec->hpa != phys) b.fail("hpa is not region base + the dpa's offset (" + hex(phys) + ")");
  if (!dpa->region.empty() && rec->region != dpa->region) b.fail("record names region \"" + rec->region + "\"");
  bool still = false;
  for (auto& r : obs.after_clear)
    if (r.memdev == dpa->memdev && r.dpa <= dpa->dpa && dpa->dpa < r.dpa + std::max<uint64_t>(r.dpa_len, 1)) still = true;
  if (obs.clear_err) b.fail("clear_poison failed with errno " + std::to_string(obs.clear_err));
  if (still) b.fail("the record is still listed after clear_poison");
  b.c.observed += still ? ", not cleared" : ", cleared";
}

}  // namespace

CheckRow judge_readback(const RowOrigin& origin, const std::string& device, const std::string& driver,
                        const RangeTable& model, const DeviceReadback& rb) {
  CheckRow row;
  row.key = device_key(origin, "readback");
  row.id = device + "/readback";
  row.device = device;
  row.driver = driver;
  row.point = "readback";
  row.path = "sysfs";
  row.expected = std::to_string(model.count()) + " ranges";
  CellBuilder b(row, "sysfs", std::to_string(model.count()) + " ranges, size " + hex(model.total_size()));
  b.c.observed = std::to_string(rb.ranges.size()) + " ranges, size " + hex(rb.size);
  if (rb.ranges.size() != model.count()) b.fail("range count differs");
  for (size_t i = 0; i < std::min(rb.ranges.size(), model.count()); ++i) {
    const auto& m = model.ranges()[i];
    if (!(rb.ranges[i] == m))
      b.fail("mapping" + std::to_string(i) + " is " + hex(rb.ranges[i].start) + "-" + hex(rb.ranges[i].end) + ", written " +
             hex(m.start) + "-" + hex(m.end));
    if (i < rb.page_offsets.size() && rb.page_offsets[i] != model.page_offset(i))
      b.fail("mapping" + std::to_string(i) + "/page_offset is " + hex(rb.page_offsets[i]) + ", want " + hex(model.page_offset(i)));
  }
  if (rb.page_offsets.size() != rb.ranges.size()) b.fail("page_offset missing for some mappings");
  if (rb.size != model.total_size()) b.fail("size differs from the sum of the ranges");
  return row;
}

CheckRow judge_injection(const RowOrigin& origin, const PoisonTarget& t, const std::string& device, const std::string& driver,
                         const DeviceLayout& model, const InjectionContext& ctx, const InjectionObservation& obs,
                         const std::optional<DpaTarget>& dpa) {
  CheckRow row = base_row(origin, t, device, driver);
  auto hit = model.table.locate(t.phys);
  row.expected = hit ? hex(hit->dev_offset) : "outside";
  if (t.inside != hit.has_value() || (t.inside && t.range && hit->index != *t.range)) {
    row.verdict = Verdict::kFail;
    row.reason = "internal: target phys is not where the plan put it";
    return row;
  }
  const ExpectedObservations e = expected_observations(ctx);
  row.details["errno"] = obs.err;
  row.details["early_kill"] = ctx.early_kill;
  row.details["rules"] = e.rules;
  if (auto why = refused_before_memory_failure(t.path, obs.err)) {
    row.verdict = Verdict::kSkip;
    row.reason = *why;
    return row;
  }
  if (!obs.err_text.empty()) {
    // The injection itself did not happen: nothing to observe.
    row.verdict = Verdict::kFail;
    row.reason = "injection failed: " + obs.err_text;
    return row;
  }
  const uint64_t pfn = t.phys / kPageSize;
  if (ctx.fsdev || e.notify != Presence::kNone) judge_notify(row, hit, e, obs);
  if (ctx.fsdev && (obs.holder || !obs.holder_error.empty())) judge_holder(row, hit, e, obs);
  if (ctx.faulted || e.signal != SignalKind::kNone || !obs.signals.empty()) judge_sigbus(row, hit, model.align, e, obs);
  judge_mf(row, pfn, e, obs);
  judge_kmsg(row, pfn, e, obs);
  judge_qmp(row, e, obs);
  if (e.cxl_record) judge_cxl(row, t.phys, dpa, obs);
  return row;
}

CheckRow setup_failure_row(const std::string& key, const std::string& device, const std::string& driver,
                           const std::string& op, int err, const std::string& why) {
  CheckRow row;
  row.key = key;
  row.id = (device.empty() ? std::string("setup") : device + "/setup") + "/" + op;
  row.device = device;
  row.driver = driver;
  row.point = "setup";
  row.path = op;
  row.expected = "step succeeds";
  row.cells.push_back({"agent", "ok", "errno " + std::to_string(err), Verdict::kFail});
  row.verdict = Verdict::kFail;
  row.reason = why;
  return row;
}

CheckRow skip_row(const RowOrigin& origin, const PoisonTarget& t, const std::string& device, const std::string& driver,
                  const std::string& reason) {
  CheckRow row = base_row(origin, t, device, driver);
  row.verdict = Verdict::kSkip;
  row.reason = reason;
  row.expected = "-";
  return row;
}

}  // namespace cxlrig
