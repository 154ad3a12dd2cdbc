#include "RunHarness.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include "Subprocess.h"

namespace fs = std::filesystem;

namespace cxlrig::test {

bool RunOutcome::has(const std::string& a) const { return fs::exists(out_dir + "/" + a); }

std::string fresh_out_dir(const std::string& name) {
  std::string d = std::string(CXLRIG_TEST_RUNS) + "/" + name;
  fs::create_directories(CXLRIG_TEST_RUNS);
  if (fs::exists(d)) {
    fs::remove_all(d + ".previous");
    fs::rename(d, d + ".previous");
  }
  return d;
}

nlohmann::json load_results(const std::string& out_dir) {
  std::ifstream in(out_dir + "/results.json");
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

RunOutcome run_cxlrig(const std::vector<std::string>& args, const std::string& out_dir, int timeout_s) {
  std::vector<std::string> argv{CXLRIG_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!out_dir.empty()) argv.insert(argv.end(), {"--out", out_dir});
  auto r = run_command(argv, std::chrono::seconds(timeout_s));
  RunOutcome o{r.exit_code, r.output, out_dir, out_dir.empty() ? nullptr : load_results(out_dir)};
  return o;
}

RunOutcome run_cxlrig_on_tty(const std::vector<std::string>& args, const std::string& out_dir, int timeout_s) {
  std::string cmd = "exec '" CXLRIG_BIN "'";
  for (auto& a : args) cmd += " '" + a + "'";
  if (!out_dir.empty()) cmd += " --out '" + out_dir + "'";
  // -e: script exits with the command's code; -f: output flushed as it comes.
  auto r = run_command({"script", "-qefc", cmd, "/dev/null"}, std::chrono::seconds(timeout_s));
  return {r.exit_code, r.output, out_dir, out_dir.empty() ? nullptr : load_results(out_dir)};
}

std::string read_text(const std::string& path) {
  // libstdc++'s filebuf throws when read() fails mid-file, as it does (ESRCH) for the
  // /proc/PID/stat of a process that exits while it is read: such a file is gone, not an error.
  try {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  } catch (const std::ios_base::failure&) {
    return {};
  }
}

bool wait_for_agent_op(const std::string& out_dir, const std::string& op, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (read_text(out_dir + "/agent.log").find("\"op\":\"" + op + "\"") != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<int> leftover_qemu(const std::string& out_dir) {
  // The run's socket dir, named in the guest definition whichever backend ran it.
  std::string sockdir;
  for (auto def : {"qemu.cmdline", "domain.xml"}) {
    const std::string text = read_text(out_dir + "/" + def);
    auto at = text.find("/tmp/cxlrig-");
    if (at != std::string::npos) sockdir = text.substr(at, text.find('/', at + 5) - at);
  }
  // No definition means the guest never got one: say so rather than find nothing.
  if (sockdir.empty()) throw std::runtime_error("no qemu.cmdline or domain.xml naming a socket dir in " + out_dir);
  std::vector<int> pids;
  for (auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string s = read_text(e.path() / "cmdline");
    if (s.find(sockdir) != std::string::npos && s.find("qemu") != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

size_t count_rows(const nlohmann::json& results, const std::string& driver, const std::string& observer,
                  const std::string& verdict) {
  size_t n = 0;
  for (auto& c : results.at("checks"))
    if (c["driver"] == driver && c["verdict"] == verdict && c["point"] != "outside" && c.contains("observers") &&
        c["observers"].contains(observer) && c["observers"][observer]["verdict"] == verdict)
      ++n;
  return n;
}

std::map<std::string, size_t> passes_by_path(const nlohmann::json& results) {
  std::map<std::string, size_t> n;
  for (auto& c : results.at("checks"))
    if (c["verdict"] == "PASS") ++n[c["path"].get<std::string>()];
  return n;
}

}  // namespace cxlrig::test
