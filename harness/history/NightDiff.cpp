#include "NightDiff.h"

#include <algorithm>

namespace cxlrig {

std::string to_string(ChangeKind k) {
  switch (k) {
    case ChangeKind::kRegression: return "regression";
    case ChangeKind::kNewFailure: return "new failure";
    case ChangeKind::kNewSplat: return "new splat";
    case ChangeKind::kFixed: return "fixed";
    case ChangeKind::kKnownFixed: return "known issue fixed";
    case ChangeKind::kStillFailing: return "still failing";
    case ChangeKind::kFlaky: return "flaky";
    case ChangeKind::kNewSkip: return "new skip";
    case ChangeKind::kSplatGone: return "splat gone";
    case ChangeKind::kInfra: return "infrastructure";
    case ChangeKind::kKernelChanged: return "kernel changed";
  }
  return "?";
}

bool Change::red() const {
  return known_id.empty() &&
         (kind == ChangeKind::kRegression || kind == ChangeKind::kNewFailure || kind == ChangeKind::kNewSplat);
}

namespace {

std::string head(const std::string& s) { return s.substr(0, s.find('\n')); }

// PASS/FAIL flips of a row over tonight and the window's earlier nights that ran the same
// kernel: a row that flips while the kernel stays is flaky; one that flips with the kernel
// (a new commit, a patch added or dropped) is a regression or a fix.
unsigned flips(const std::string& key, const CellRecord& now, const std::string& tonight, const std::vector<PastCell>& past,
               unsigned window) {
  std::vector<std::string> seq = {tonight};
  for (size_t i = 0; i < past.size() && i + 1 < window; ++i)
    if (const RowRecord* r = past[i].cell.row(key);
        r && past[i].cell.kernel_id == now.kernel_id && (r->verdict == "PASS" || r->verdict == "FAIL"))
      seq.push_back(r->verdict);
  unsigned n = 0;
  for (size_t i = 1; i < seq.size(); ++i) n += seq[i] != seq[i - 1];
  return n;
}

}  // namespace

std::vector<Change> diff_cell(const CellRecord& now, const std::vector<PastCell>& past, const KnownIssues& known,
                              unsigned flaky_window) {
  std::vector<Change> out;
  if (now.status == "infra") {
    out.push_back({ChangeKind::kInfra, now.key, "", "", "", now.reason, past.empty() ? "" : past.front().night, "", ""});
    return out;
  }
  const CellRecord* prev = past.empty() ? nullptr : &past.front().cell;
  const std::string since = past.empty() ? "" : past.front().night;
  auto add = [&](ChangeKind k, const std::string& subject, const std::string& was, const std::string& is,
                 const std::string& reason, const KnownIssue* ki) {
    out.push_back({k, now.key, subject, was, is, reason, since, ki ? ki->id : "", ki ? ki->link : ""});
  };
  if (prev && !(prev->kernel_id == now.kernel_id))
    add(ChangeKind::kKernelChanged, "", prev->kernel_id.describe(), now.kernel_id.describe(), "", nullptr);
  for (auto& r : now.rows) {
    const RowRecord* p = prev ? prev->row(r.key) : nullptr;
    const std::string was = p ? p->verdict : "";
    const bool flaky = (r.verdict == "PASS" || r.verdict == "FAIL") && flips(r.key, now, r.verdict, past, flaky_window) >= 2;
    if (r.verdict == "FAIL") {
      const KnownIssue* ki = known.for_row(now.key, r.key, r.reason);
      if (was == "PASS") add(flaky ? ChangeKind::kFlaky : ChangeKind::kRegression, r.key, was, r.verdict, r.reason, ki);
      else if (was == "FAIL") add(ChangeKind::kStillFailing, r.key, was, r.verdict, r.reason, ki);
      else add(ChangeKind::kNewFailure, r.key, was, r.verdict, r.reason, ki);
    } else if (r.verdict == "PASS" && was == "FAIL") {
      // Fixed: the issue that explained yesterday's failure, by yesterday's reason.
      add(flaky ? ChangeKind::kFlaky : ChangeKind::kFixed, r.key, was, r.verdict, "", known.for_row(now.key, r.key, p->reason));
    } else if (r.verdict == "SKIP" && p && was != "SKIP") {
      add(ChangeKind::kNewSkip, r.key, was, r.verdict, r.reason, nullptr);
    }
  }
  for (auto& s : now.splats)
    if (!prev || !prev->has_splat(s.title))
      add(ChangeKind::kNewSplat, s.title, "", std::to_string(s.count) + "x", head(s.report), known.for_splat(now.key, s.title));
  if (prev) {
    for (auto& s : prev->splats)
      if (!now.has_splat(s.title)) add(ChangeKind::kSplatGone, s.title, std::to_string(s.count) + "x", "", "", nullptr);
    for (auto& k : known.all())
      if (known.seen_in(k, *prev) && !known.seen_in(k, now)) add(ChangeKind::kKnownFixed, k.id, "", "", k.note, &k);
  }
  return out;
}

int night_exit_code(const std::vector<CellRecord>& cells, const std::vector<Change>& changes) {
  if (!cells.empty() && std::all_of(cells.begin(), cells.end(), [](const CellRecord& c) { return c.status == "infra"; }))
    return 125;
  return std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.red(); }) ? 1 : 0;
}

}  // namespace cxlrig
