#include "RunHarness.h"

#include <filesystem>
#include <fstream>

#include "Subprocess.h"

namespace fs = std::filesystem;

namespace cxlrig::test {

bool RunOutcome::has(const std::string& a) const { return fs::exists(out_dir + "/" + a); }

std::string fresh_out_dir(const std::string& name) {
  std::string d = std::string(CXLRIG_TEST_RUNS) + "/" + name;
  fs::remove_all(d);
  fs::create_directories(CXLRIG_TEST_RUNS);
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

std::vector<int> leftover_qemu(const std::string& out_dir) {
  std::ifstream cmd(out_dir + "/qemu.cmdline");
  std::string line;
  std::getline(cmd, line);
  auto at = line.find("path=/tmp/cxlrig-");
  if (at == std::string::npos) return {};
  std::string sockdir = line.substr(at + 5, line.find('/', at + 10 + 5) - at - 5);
  std::vector<int> pids;
  for (auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream c(e.path() / "cmdline");
    std::string s((std::istreambuf_iterator<char>(c)), {});
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
