// Runs a helper command (apt-get, dpkg-deb) to completion with a time limit, capturing its
// combined output for the log and for error messages.
#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace cxlrig {

struct CommandResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;
  // The last lines of output, for an error message that shows what the tool said.
  std::string tail(size_t lines = 8) const;
};

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const std::string& cwd = {});
// Runs argv with stdout and stderr appended to `log` (the command line first); the exit
// code, 124 on timeout. For long, chatty tools (make, git bisect run) whose output is a log.
int run_logged(const std::vector<std::string>& argv, const std::string& log, std::chrono::seconds timeout,
               const std::string& cwd = {});
// PATH lookup; empty if not found.
std::string find_program(const std::string& name);

}  // namespace cxlrig
