#include "Oracle.h"

#include <bit>
#include <set>

namespace cxlrig {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "SKIP";
  }
  return "?";
}

std::string hex(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::vector<PoisonTarget> plan_targets(const Scenario& s, const Layout& layout) {
  std::vector<PoisonTarget> out;
  for (size_t d = 0; d < s.devices.size(); ++d) {
    const auto& sd = s.devices[d];
    const auto& table = layout.devices.at(d).table;
    for (size_t r = 0; r < table.count(); ++r) {
      const auto& range = table.ranges()[r];
      std::set<uint64_t> seen;  // a one-page range has first == last: poison it once
      for (size_t k = 0; k < s.points.size(); ++k) {
        uint64_t pages = range.size() / kPageSize;
        uint64_t phys = range.start;
        if (s.points[k] == Point::kInterior) phys += (pages / 2) * kPageSize;
        if (s.points[k] == Point::kLast) phys = range.end + 1 - kPageSize;
        if (!seen.insert(phys).second) continue;
        out.push_back({d, r, to_string(s.points[k]), phys, sd.paths[(r + k) % sd.paths.size()], sd.observer});
      }
    }
  }
  if (s.outside_device >= 0)
    out.push_back({static_cast<size_t>(s.outside_device), std::nullopt, "outside", layout.hole.start,
                   s.outside_path, s.devices[s.outside_device].observer});
  return out;
}

int expected_dax_sigbus_code(PoisonPath path, bool injector_is_mapper) {
  return (path == PoisonPath::kMadvise || injector_is_mapper) ? kBusMceerrAr : kBusMceerrAo;
}

namespace {

CheckRow base_row(const PoisonTarget& t, const std::string& device, const std::string& driver) {
  CheckRow row;
  row.id = device + "/" + (t.range ? "r" + std::to_string(*t.range) : std::string("out")) + "/" + t.point + "/" +
           to_string(t.path);
  row.device = device;
  row.driver = driver;
  row.range = t.range;
  row.point = t.point;
  row.phys = t.phys;
  row.path = to_string(t.path);
  row.observer = to_string(t.observer);
  return row;
}

void fail(CheckRow& row, const std::string& why) {
  row.verdict = Verdict::kFail;
  row.reason += (row.reason.empty() ? "" : "; ") + why;
}

// Cross-check: memory_failure must have been entered for exactly this PFN. For a page outside
// every device it may not be entered at all (corrupt-pfn refuses a PFN without a struct
// page with ENXIO), but if it is, the PFN must still match.
void check_memory_failure_pfn(CheckRow& row, uint64_t phys, bool must_enter, const InjectionObservation& obs) {
  std::vector<uint64_t> pfns;
  for (auto& e : obs.events)
    if (e.event == kMemoryFailureEvent)
      if (auto p = e.u64("pfn")) pfns.push_back(*p);
  std::optional<uint64_t> logged;
  for (auto& m : obs.kmsg)
    if (auto p = memory_failure_pfn(m)) logged = p;
  row.details["mf_pfn"] = pfns.empty() ? nlohmann::json() : nlohmann::json(hex(pfns.front()));
  row.details["kmsg_pfn"] = logged ? nlohmann::json(hex(*logged)) : nlohmann::json();
  const uint64_t want = phys / kPageSize;
  if (obs.mf_probe_armed && pfns.empty() && must_enter) fail(row, "memory_failure() was not entered");
  if (!pfns.empty() && pfns.front() != want) fail(row, "memory_failure() got pfn " + hex(pfns.front()) + ", want " + hex(want));
  if (logged && *logged != want) fail(row, "kernel log names pfn " + hex(*logged) + ", want " + hex(want));
}

void judge_notify(CheckRow& row, const std::optional<RangeHit>& hit, const InjectionObservation& obs) {
  std::vector<const TraceEvent*> notes;
  for (auto& e : obs.events)
    if (e.event == kNotifyEvent) notes.push_back(&e);
  if (hit) {
    row.expected = hex(hit->dev_offset);
    if (notes.empty()) {
      row.observed = "none";
      return fail(row, "dax_holder_notify_failure() was not called");
    }
    auto off = notes.front()->u64("offset");
    row.observed = off ? hex(*off) : "?";
    row.details["len"] = notes.front()->fields.count("len") ? notes.front()->fields.at("len") : "";
    row.details["flags"] = notes.front()->fields.count("flags") ? notes.front()->fields.at("flags") : "";
    if (!off || *off != hit->dev_offset) fail(row, "reported offset differs from page_offset*4096 + (P - start)");
    if (notes.size() > 1) fail(row, std::to_string(notes.size()) + " notify calls for one page");
  } else {
    // Fixed kernels report U64_MAX (or do not notify) for a PFN outside every range.
    row.expected = "none or " + hex(kOffsetOutside);
    if (notes.empty()) {
      row.observed = "none";
    } else {
      auto off = notes.front()->u64("offset");
      row.observed = off ? hex(*off) : "?";
      if (!off || *off != kOffsetOutside) fail(row, "a PFN outside every range was attributed to a device offset");
    }
  }
}

void judge_sigbus(CheckRow& row, const PoisonTarget& t, const std::optional<RangeHit>& hit, uint64_t align,
                  const InjectionObservation& obs) {
  std::vector<const SigInfo*> bus;
  for (auto& s : obs.signals)
    if (s.signo == 7 /* SIGBUS */) bus.push_back(&s);
  if (!hit) {
    row.expected = "no signal";
    row.observed = bus.empty() ? "no signal" : "si_addr " + hex(bus.front()->addr);
    if (!bus.empty()) fail(row, "SIGBUS for a page the mapping does not hold");
    return;
  }
  // SIGBUS reports the poisoned block at the device's alignment.
  const uint64_t want = hit->dev_offset & ~(align - 1);
  const int want_lsb = std::countr_zero(align);
  const int want_code = expected_dax_sigbus_code(t.path, obs.injector_is_mapper);
  row.expected = hex(want);
  if (bus.empty()) {
    row.observed = "no signal";
    return fail(row, "no SIGBUS delivered to the mapper");
  }
  const SigInfo& s = *bus.front();
  uint64_t got = s.addr - obs.map_base;
  row.observed = s.addr >= obs.map_base ? hex(got) : "si_addr " + hex(s.addr) + " below base";
  row.details["si_addr"] = hex(s.addr);
  row.details["si_code"] = s.code == kBusMceerrAr ? "BUS_MCEERR_AR" : s.code == kBusMceerrAo ? "BUS_MCEERR_AO" : std::to_string(s.code);
  row.details["si_addr_lsb"] = s.addr_lsb;
  if (s.addr < obs.map_base || got != want) fail(row, "si_addr - base differs from the expected offset");
  if (s.addr_lsb != want_lsb) fail(row, "si_addr_lsb " + std::to_string(s.addr_lsb) + ", want " + std::to_string(want_lsb));
  if (s.code != want_code)
    fail(row, "si_code " + std::to_string(s.code) + ", want " + (want_code == kBusMceerrAr ? "BUS_MCEERR_AR" : "BUS_MCEERR_AO"));
  if (bus.size() > 1) fail(row, std::to_string(bus.size()) + " SIGBUS for one page");
}

}  // namespace

CheckRow judge_readback(const std::string& device, const std::string& driver, const RangeTable& model,
                        const DeviceReadback& rb) {
  CheckRow row;
  row.id = device + "/readback";
  row.device = device;
  row.driver = driver;
  row.point = "readback";
  row.path = "sysfs";
  row.observer = "mappingN";
  row.expected = std::to_string(model.count()) + " ranges, size " + hex(model.total_size());
  row.observed = std::to_string(rb.ranges.size()) + " ranges, size " + hex(rb.size);
  if (rb.ranges.size() != model.count()) fail(row, "range count differs");
  for (size_t i = 0; i < std::min(rb.ranges.size(), model.count()); ++i) {
    const auto& m = model.ranges()[i];
    if (!(rb.ranges[i] == m))
      fail(row, "mapping" + std::to_string(i) + " is " + hex(rb.ranges[i].start) + "-" + hex(rb.ranges[i].end) +
                    ", written " + hex(m.start) + "-" + hex(m.end));
    if (i < rb.page_offsets.size() && rb.page_offsets[i] != model.page_offset(i))
      fail(row, "mapping" + std::to_string(i) + "/page_offset is " + hex(rb.page_offsets[i]) + ", want " +
                    hex(model.page_offset(i)));
  }
  if (rb.page_offsets.size() != rb.ranges.size()) fail(row, "page_offset missing for some mappings");
  if (rb.size != model.total_size()) fail(row, "size differs from the sum of the ranges");
  return row;
}

CheckRow judge_injection(const PoisonTarget& t, const std::string& device, const std::string& driver,
                         const DeviceLayout& model, const InjectionObservation& obs) {
  CheckRow row = base_row(t, device, driver);
  auto hit = model.table.locate(t.phys);
  if (t.range && (!hit || hit->index != *t.range)) {
    fail(row, "internal: target phys is not in its range");
    return row;
  }
  row.details["errno"] = obs.err;
  if (t.observer == Observer::kNotifyKprobe) judge_notify(row, hit, obs);
  else judge_sigbus(row, t, hit, model.align, obs);
  check_memory_failure_pfn(row, t.phys, t.range.has_value(), obs);
  return row;
}

CheckRow setup_failure_row(const std::string& device, const std::string& driver, const std::string& op, int err,
                           const std::string& why) {
  CheckRow row;
  row.id = (device.empty() ? std::string("setup") : device + "/setup") + "/" + op;
  row.device = device;
  row.driver = driver;
  row.point = "setup";
  row.path = op;
  row.observer = "agent";
  row.expected = "step succeeds";
  row.observed = "errno " + std::to_string(err);
  row.verdict = Verdict::kFail;
  row.reason = why;
  return row;
}

CheckRow skip_row(const PoisonTarget& t, const std::string& device, const std::string& driver,
                  const std::string& reason) {
  CheckRow row = base_row(t, device, driver);
  row.verdict = Verdict::kSkip;
  row.reason = reason;
  row.expected = row.observed = "-";
  return row;
}

}  // namespace cxlrig
