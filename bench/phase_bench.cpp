// Runs `cxlrig run` N times (default 5) and prints the median of every phase, the median
// wall time and its ratio to the aim: 5 s on a rig-built kernel (`--kernel-tree`, or the
// `--kernel-image` of a kernel the rig built, among the
// run args: the trimmed base config), 8 s on a packaged one (a generic Debian kernel boots
// more drivers). Usage: cxlrig_phase_bench [N] [-- run args...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Median.h"
#include "Subprocess.h"

namespace {
// Injections are many phases of one kind: fold "inject dax0.0 first" into "inject (each)".
std::string kind(const std::string& phase) {
  for (auto p : {"inject", "layout", "bind", "mmap"})
    if (phase.rfind(p, 0) == 0) return std::string(p) + " (each)";
  return phase;
}
}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 && std::string(argv[1]) != "--" ? std::stoi(argv[1]) : 5;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") extra.assign(argv + i + 1, argv + argc);
  std::map<std::string, std::vector<double>> phases;
  std::vector<std::string> order;
  std::vector<double> wall;
  const std::string base = std::filesystem::temp_directory_path() / "cxlrig-bench";
  std::filesystem::remove_all(base);
  for (int i = 0; i < runs; ++i) {
    std::vector<std::string> cmd{CXLRIG_BIN, "run", "--out", base + "/" + std::to_string(i)};
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    auto t0 = std::chrono::steady_clock::now();
    auto r = cxlrig::run_command(cmd, std::chrono::seconds(900));
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (r.exit_code != 0) {
      std::fprintf(stderr, "run %d exited %d:\n%s\n", i, r.exit_code, r.tail(20).c_str());
      return 1;
    }
    std::ifstream in(base + "/" + std::to_string(i) + "/results.json");
    auto j = nlohmann::json::parse(in);
    std::map<std::string, std::vector<double>> per_run;
    for (auto& p : j["phases"]) {
      auto k = kind(p["name"].get<std::string>());
      if (!phases.count(k) && std::find(order.begin(), order.end(), k) == order.end()) order.push_back(k);
      per_run[k].push_back(p["ms"].get<double>());
    }
    for (auto& [k, v] : per_run)
      if (k.find("(each)") != std::string::npos)
        for (double x : v) phases[k].push_back(x);
      else
        phases[k].push_back(v.front());
    std::fprintf(stderr, "run %d: %.2f s\n", i, wall.back());
  }
  std::printf("%-22s %10s\n", "phase", "median ms");
  for (auto& k : order) std::printf("%-22s %10.1f\n", k.c_str(), median(phases[k]));
  double w = median(wall);
  std::printf("%-22s %10.1f\n", "total wall", w * 1000);
  // --kernel-tree on a tree that is not git also times make's no-op walk (~7 s) in the
  // "kernel" phase; the built kernel's --kernel-image measures the run alone.
  const bool rig_built = std::find(extra.begin(), extra.end(), "--kernel-tree") != extra.end() ||
                         std::find(extra.begin(), extra.end(), "--kernel-image") != extra.end();
  const double aim = rig_built ? 5.0 : 8.0;
  std::printf("runs %d, median wall %.2f s, ratio to the %.0f s aim (%s kernel) %.2f\n", runs, w, aim,
              rig_built ? "rig-built" : "packaged", w / aim);
  return 0;
}
