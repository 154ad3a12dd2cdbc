// The terminal summary: what needs a human first (regressions, new failures, new splats),
// then fixes, flaky rows, new SKIPs, what still fails, infrastructure, and the counts.
#include <algorithm>
#include <iomanip>
#include <ostream>

#include "NightView.h"

namespace cxlrig {

bool NightView::red(const std::string& cell) const {
  return std::any_of(changes.begin(), changes.end(), [&](const Change& c) { return c.cell == cell && c.red(); });
}

namespace {

std::string clip(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 3) + "..."; }

void section(std::ostream& out, const std::string& title, const std::vector<const Change*>& list, size_t max = 40) {
  if (list.empty()) return;
  out << "\n" << title << " (" << list.size() << "):\n";
  for (size_t i = 0; i < list.size() && i < max; ++i) {
    const Change& c = *list[i];
    out << "  " << c.cell;
    if (!c.subject.empty()) out << "  " << c.subject;
    if (!c.was.empty() || !c.now.empty()) out << "  " << (c.was.empty() ? "-" : c.was) << " -> " << (c.now.empty() ? "-" : c.now);
    if (!c.known_id.empty()) out << "  [known: " << c.known_id << " " << c.known_link << "]";
    if (!c.reason.empty()) out << "\n      " << clip(c.reason, 160);
    out << "\n";
  }
  if (list.size() > max) out << "  ... and " << list.size() - max << " more (nightly.html)\n";
}

}  // namespace

void print_night_summary(const NightView& v, std::ostream& out) {
  auto pick = [&](auto pred) {
    std::vector<const Change*> l;
    for (auto& c : v.changes)
      if (pred(c)) l.push_back(&c);
    return l;
  };
  auto kind = [&](ChangeKind k, bool known) {
    return pick([&](const Change& c) { return c.kind == k && c.known_id.empty() != known; });
  };
  out << "night " << v.night.id << " (" << v.night.matrix << (v.night.shard.empty() ? "" : ", shard " + v.night.shard)
      << "): " << v.night.cells.size() << " cells\n";
  section(out, "REGRESSIONS (PASS -> FAIL)", kind(ChangeKind::kRegression, false));
  section(out, "NEW FAILURES", kind(ChangeKind::kNewFailure, false));
  section(out, "NEW SPLATS", kind(ChangeKind::kNewSplat, false));
  section(out, "Kernels changed since the cell's last night", kind(ChangeKind::kKernelChanged, false));
  section(out, "Fixed", pick([](const Change& c) { return c.kind == ChangeKind::kFixed || c.kind == ChangeKind::kKnownFixed; }));
  section(out, "Flaky (flipped in the window)", kind(ChangeKind::kFlaky, false));
  section(out, "New SKIPs", kind(ChangeKind::kNewSkip, false));
  section(out, "Known issues seen", pick([](const Change& c) { return !c.known_id.empty() && c.kind != ChangeKind::kKnownFixed; }));
  section(out, "Still failing", kind(ChangeKind::kStillFailing, false), 10);
  section(out, "Splats gone", kind(ChangeKind::kSplatGone, false), 10);
  section(out, "Infrastructure (not judged; kept apart from failures)", kind(ChangeKind::kInfra, false));
  if (!v.missing.empty()) {
    out << "\nMissing (no shard ran them, " << v.missing.size() << "):\n";
    for (auto& m : v.missing) out << "  " << m << "\n";
  }
  size_t pass = 0, fail = 0, infra = 0;
  for (auto& c : v.night.cells) (c.status == "pass" ? pass : c.status == "fail" ? fail : infra)++;
  out << "\ncells: " << pass << " pass, " << fail << " fail, " << infra << " infrastructure; "
      << (v.exit_code == 1 ? "RED: something new failed" : v.exit_code == 125 ? "NO VERDICT: every cell was infrastructure"
                                                                             : "nothing new failed")
      << " (exit " << v.exit_code << ")\n";
}

}  // namespace cxlrig
