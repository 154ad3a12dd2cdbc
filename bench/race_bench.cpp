// How fast a race runs and how soon it hits: per stressor, iterations per second (median
// over the runs), the median time from the stressors' start to the first expected splat,
// and the wall time per run (boot + race), with ratios to their aims. It runs
// `cxlrig race` with the arguments after `--`, or reads results.json files already made.
//
// Usage: cxlrig_race_bench -- --scenario S --kernel-tree T --variant kasan [--runs N]
//        cxlrig_race_bench --results runs/x/results.json [more...]
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

constexpr double kAimFirstHitS = 10;  // half the default 20 s duration
constexpr double kAimRunWallS = 60;   // one run: boot, layout, a 20 s race, teardown

void report(const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    std::fprintf(stderr, "race_bench: cannot read %s\n", file.c_str());
    return;
  }
  const auto r = nlohmann::json::parse(in);
  std::map<std::string, std::vector<double>> rates;
  std::vector<double> firsts;
  size_t runs = 0;
  for (auto& c : r["checks"]) {
    if (c["point"] != "race" || !c["details"].contains("stressors")) continue;
    ++runs;
    for (auto& s : c["details"]["stressors"]) {
      const double secs = s["elapsed_ms"].get<double>() / 1000.0;
      if (secs > 0) rates[s["action"].get<std::string>()].push_back(s["iterations"].get<double>() / secs);
    }
    if (c["details"].contains("first_hit_s")) firsts.push_back(c["details"]["first_hit_s"].get<double>());
  }
  const auto& race = r["race"];
  std::printf("%s\n  kernel %s, window %s\n", file.c_str(), r["kernel"].value("release", std::string("?")).c_str(),
              race.is_object() && !race["window"].empty() ? race["window"][0].get<std::string>().c_str() : "none");
  for (auto& [action, v] : rates) std::printf("  %-14s %9.1f iterations/s (median of %zu runs)\n", action.c_str(), median(v), v.size());
  if (race.is_object())
    std::printf("  hits %u/%u (%.0f%%)\n", race.value("hits", 0u), race.value("runs", 0u), 100 * race.value("hit_rate", 0.0));
  if (!firsts.empty())
    std::printf("  time to first hit %.1f s median (aim %.0f s: %.2fx)\n", median(firsts), kAimFirstHitS,
                median(firsts) / kAimFirstHitS);
  // The kernel build (or fetch) is once per invocation, not per run.
  double wall = r["duration_s"].get<double>();
  for (auto& p : r["phases"])
    if (p["name"] == "kernel") wall -= p["ms"].get<double>() / 1000.0;
  if (runs) std::printf("  wall per run %.1f s, kernel build excluded (aim %.0f s: %.2fx)\n", wall / runs, kAimRunWallS, wall / runs / kAimRunWallS);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--results") {
    for (size_t i = 1; i < args.size(); ++i) report(args[i]);
    return 0;
  }
  if (args.empty() || args[0] != "--") {
    std::fprintf(stderr, "usage: cxlrig_race_bench -- <cxlrig race args> | --results FILE...\n");
    return 2;
  }
  const std::string out = (std::filesystem::temp_directory_path() / "cxlrig-race-bench").string();
  std::filesystem::remove_all(out);
  std::vector<std::string> cmd = {CXLRIG_BIN, "race"};
  cmd.insert(cmd.end(), args.begin() + 1, args.end());
  cmd.insert(cmd.end(), {"--out", out});
  auto r = cxlrig::run_command(cmd, std::chrono::hours(4));
  std::printf("cxlrig race exit %d\n", r.exit_code);
  report(out + "/results.json");
  return 0;
}
