// Runs a helper command (apt-get, dpkg-deb, git, make) to completion with a time limit.
// Every child gets /dev/null on fd 0 (a closed fd 0 is taken by the first file the child
// opens: GNU make puts its jobserver pipe there and every sub-make spins on EOF), and runs
// under cxlrig-reaper in a process group of its own, so an interrupt, a timeout or a
// SIGKILL of the rig takes the child and everything it started (cc1, objtool) down.
#pragma once
#include <chrono>
#include <functional>
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

// Called about once a second while a command runs (progress display).
using Tick = std::function<void()>;

// Throws Interrupted (the child and its group are gone by then) when the rig gets SIGINT
// or SIGTERM while waiting.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const std::string& cwd = {}, const Tick& tick = {});
// Runs argv with stdout and stderr appended to `log` (the command line first); the exit
// code, 124 on timeout. For long, chatty tools (make, git bisect run) whose output is a log.
int run_logged(const std::vector<std::string>& argv, const std::string& log, std::chrono::seconds timeout,
               const std::string& cwd = {}, const Tick& tick = {});
// PATH lookup; empty if not found.
std::string find_program(const std::string& name);

}  // namespace cxlrig
