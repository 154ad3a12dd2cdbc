// What changed since the last night that ran the same cell, per row (by its stable key) and
// per splat title: SQUAD's pass->fail regressions and fail->pass fixes, plus what a kernel
// developer asks next (still failing? flaky? a new splat?). Infrastructure results are kept
// apart, as KernelCI keeps ERROR/MISS apart from FAIL. Pure: the history hands in the past.
#pragma once
#include <string>
#include <vector>

#include "KnownIssues.h"
#include "NightRecord.h"

namespace cxlrig {

// A cell as it was on an earlier night.
struct PastCell {
  std::string night;
  CellRecord cell;
};

enum class ChangeKind {
  kRegression,    // PASS last time, FAIL now
  kNewFailure,    // FAIL, and no earlier night had the row (or it was SKIP)
  kNewSplat,      // a title the cell did not show last time
  kFixed,         // FAIL last time, PASS now
  kKnownFixed,    // a known issue the cell showed last time and no longer does
  kStillFailing,
  kFlaky,         // flipped between PASS and FAIL at least twice in the window, on one kernel
  kNewSkip,       // SKIP now, not last time
  kSplatGone,     // a title seen last time, not now
  kInfra,         // the cell could not be judged tonight
  kKernelChanged, // the kernel under the cell's name is not last night's (a commit, a patch)
};
std::string to_string(ChangeKind k);

struct Change {
  ChangeKind kind;
  std::string cell;
  std::string subject;    // the row key or the splat title; empty for a cell-wide change
  std::string was, now;   // verdicts ("" when there was none)
  std::string reason;     // tonight's row reason, the splat's report head, the infra reason
  std::string since;      // the night compared with ("" on a cell's first night)
  std::string known_id, known_link;
  // A change that makes the night red: a regression, a new failure or a new splat that no
  // known issue explains.
  bool red() const;
};

// Changes of one cell; `past` holds its judged nights before tonight, latest first.
std::vector<Change> diff_cell(const CellRecord& now, const std::vector<PastCell>& past, const KnownIssues& known,
                              unsigned flaky_window);

// 125 when every cell is infrastructure, 1 when a change is red, else 0.
int night_exit_code(const std::vector<CellRecord>& cells, const std::vector<Change>& changes);

}  // namespace cxlrig
