// How a bisect step's run maps onto `git bisect run` exit codes, and how git's answer is
// read back. Pure.
#pragma once
#include <optional>
#include <string>

namespace cxlrig {

// git bisect run: 0 = old term, 1..127 except 125 = new term, 125 = skip, >127 = abort.
inline constexpr int kBisectSkip = 125;
inline constexpr int kBisectAbort = 255;

// A run's exit code (0 pass, 1 fail, 2 bad input, 125 infrastructure, 130 interrupted) as the
// step's. Forward: pass = good (old), fail = bad (new). Reverse (finding a fix, terms
// broken/fixed): fail = broken (old), pass = fixed (new). Infrastructure (a build or boot
// failure, a timeout) skips the commit; bad input and interrupts stop the bisect, since every
// other step would end the same way.
int bisect_step_exit(int run_exit, bool reverse);

// The term git bisect uses for the commit it hunts for.
inline const char* bisect_new_term(bool reverse) { return reverse ? "fixed" : "bad"; }
inline const char* bisect_old_term(bool reverse) { return reverse ? "broken" : "good"; }

// What git made of a step's exit code: the old or new term, "skip" or "abort".
const char* bisect_step_term(int step_exit, bool reverse);

// "<sha> is the first bad commit" (or "first fixed commit") in git bisect run's output.
std::optional<std::string> first_commit_in_bisect_output(const std::string& output, bool reverse);

}  // namespace cxlrig
