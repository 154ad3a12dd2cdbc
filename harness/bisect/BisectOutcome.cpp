#include "BisectOutcome.h"

#include <regex>

namespace cxlrig {

int bisect_step_exit(int run_exit, bool reverse) {
  switch (run_exit) {
    case 0: return reverse ? 1 : 0;
    case 1: return reverse ? 0 : 1;
    case kBisectSkip: return kBisectSkip;
    default: return kBisectAbort;
  }
}

const char* bisect_step_term(int step_exit, bool reverse) {
  if (step_exit == 0) return bisect_old_term(reverse);
  if (step_exit == kBisectSkip) return "skip";
  if (step_exit > 127 || step_exit < 0) return "abort";
  return bisect_new_term(reverse);
}

std::optional<std::string> first_commit_in_bisect_output(const std::string& output, bool reverse) {
  const std::regex re(std::string("([0-9a-f]{40}) is the first ") + bisect_new_term(reverse) + " commit");
  std::smatch m;
  if (std::regex_search(output, m, re)) return m[1].str();
  return std::nullopt;
}

}  // namespace cxlrig
