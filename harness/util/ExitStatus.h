// A child's wait status in words. Boost.Process folds a signal into its "exit code"
// (eval_exit_status returns WTERMSIG), so QEMU's abort() read "exited with code 6";
// the raw status keeps the two apart.
#pragma once
#include <string>

namespace cxlrig {

// "exited with code 1", "was killed by signal 6 (SIGABRT)".
std::string describe_wait_status(int raw_status);

// The last non-empty line of a log, at most `max_chars` of it (its end), "" if none.
std::string last_log_line(const std::string& text, size_t max_chars = 200);

}  // namespace cxlrig
