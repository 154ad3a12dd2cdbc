// Runs the real cxlrig binary for the cli/vm tests and reads back what it left behind.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig::test {

struct RunOutcome {
  int exit_code = -1;
  std::string output;   // stdout + stderr
  std::string out_dir;  // the artifacts dir
  nlohmann::json results;  // results.json, null if missing
  bool has(const std::string& artifact) const;
};

// A fresh artifacts dir per test under build/test-runs/<name>. The last run's dir is kept
// as <name>.previous, so rerunning a test that failed does not erase what it left.
std::string fresh_out_dir(const std::string& name);
RunOutcome run_cxlrig(const std::vector<std::string>& args, const std::string& out_dir, int timeout_s = 900);
nlohmann::json load_results(const std::string& out_dir);
// The same run with stderr (and stdout) on a pseudo-terminal, through util-linux's
// `script`: what a developer at a terminal sees, status lines and carriage returns kept.
RunOutcome run_cxlrig_on_tty(const std::vector<std::string>& args, const std::string& out_dir, int timeout_s = 900);
// A file's text, "" when it does not exist (yet) or vanished while it was read.
std::string read_text(const std::string& path);
// Waits until the run's agent.log shows a request for `op` (the guest is up and working).
bool wait_for_agent_op(const std::string& out_dir, const std::string& op, std::chrono::seconds timeout);
// QEMU processes still running whose command line names the run's socket dir.
std::vector<int> leftover_qemu(const std::string& out_dir);
size_t count_rows(const nlohmann::json& results, const std::string& driver, const std::string& observer,
                  const std::string& verdict);
// PASS rows per poison path ("sysfs" for readbacks).
std::map<std::string, size_t> passes_by_path(const nlohmann::json& results);

}  // namespace cxlrig::test
