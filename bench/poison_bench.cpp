// Poison-check throughput and range scaling, by driving the real `cxlrig run`:
//  1. `--layouts L --inject all` (default L 20): median ms per additional check (each
//     injection, by path) against the 150 ms aim, and checks per minute (whole run, and
//     after boot).
//  2. one device_dax device with 4, 64 and 256 ranges (a scenario written to a temp file):
//     ms per range for layout, bind, teardown and poisoning once per range, and the wall
//     time of the 256-range layout (lay out + verify + poison every range + tear down)
//     against the 60 s aim.
// Usage: cxlrig_poison_bench [LAYOUTS] [-- extra run args...]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Median.h"
#include "Subprocess.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json run(const std::string& out, std::vector<std::string> args, const std::vector<std::string>& extra) {
  std::vector<std::string> cmd{CXLRIG_BIN, "run", "--out", out};
  cmd.insert(cmd.end(), args.begin(), args.end());
  cmd.insert(cmd.end(), extra.begin(), extra.end());
  auto r = cxlrig::run_command(cmd, std::chrono::seconds(1800));
  if (r.exit_code != 0) {
    std::fprintf(stderr, "%s exited %d:\n%s\n", out.c_str(), r.exit_code, r.tail(30).c_str());
    std::exit(1);
  }
  std::ifstream in(out + "/results.json");
  return json::parse(in);
}

double phase_sum(const json& j, const std::string& prefix) {
  double s = 0;
  for (auto& p : j["phases"])
    if (p["name"].get<std::string>().rfind(prefix, 0) == 0) s += p["ms"].get<double>();
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  unsigned layouts = argc > 1 && std::string(argv[1]) != "--" ? std::stoul(argv[1]) : 20;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") extra.assign(argv + i + 1, argv + argc);
  const fs::path base = fs::temp_directory_path() / "cxlrig-poison-bench";
  fs::remove_all(base);
  fs::create_directories(base);

  // 1. Throughput of the default scenario over many layouts.
  json j = run(base / "layouts", {"--layouts", std::to_string(layouts), "--inject", "all"}, extra);
  std::map<std::string, std::vector<double>> by_path;
  std::vector<double> all;
  double boot_ms = 0;
  for (auto& p : j["phases"]) {
    std::string n = p["name"];
    if (n == "boot") boot_ms = p["ms"];
    if (n.rfind("inject ", 0) != 0) continue;
    by_path[n.substr(7)].push_back(p["ms"]);
    all.push_back(p["ms"]);
  }
  const double checks = j["summary"]["pass"].get<double>() + j["summary"]["fail"].get<double>();
  const double dur = j["duration_s"];
  std::printf("== --layouts %u --inject all: %.0f checks in %.1f s (boot %.1f s)\n", layouts, checks, dur, boot_ms / 1000);
  std::printf("%-14s %6s %10s\n", "path", "n", "median ms");
  for (auto& [k, v] : by_path) std::printf("%-14s %6zu %10.1f\n", k.c_str(), v.size(), median(v));
  std::printf("per additional check: median %.1f ms, ratio to the 150 ms aim %.2f\n", median(all), median(all) / 150);
  std::printf("checks per minute: %.0f (whole run), %.0f (after boot)\n", checks / dur * 60,
              checks / (dur - boot_ms / 1000) * 60);

  // 2. Per-range cost at 4, 64, 256 ranges.
  std::printf("\n== one device_dax device, one poison per range\n");
  std::printf("%7s %12s %12s %12s %12s %12s\n", "ranges", "layout ms/r", "bind ms/r", "inject ms/r", "teardown ms/r", "layout wall s");
  double wall256 = 0;
  for (unsigned n : {4u, 64u, 256u}) {
    json sc = {{"kind", "layout_poison"},
               {"name", "bench-" + std::to_string(n)},
               {"guards", {"bench"}},
               {"topology", "vmem-1"},
               {"timeout_s", 1200},
               {"devices", {{{"driver", "device_dax"}, {"ranges", n}, {"align", "4K"}, {"requires", {"driver:device_dax"}}}}},
               {"points", {"interior"}}};
    const std::string file = base / ("scale-" + std::to_string(n) + ".json");
    std::ofstream(file) << sc.dump(2);
    json r = run(base / ("scale-" + std::to_string(n)), {"--scenario", file}, extra);
    const double lay = phase_sum(r, "layout"), bind = phase_sum(r, "bind"), inj = phase_sum(r, "inject"),
                 mmap = phase_sum(r, "mmap"), tear = phase_sum(r, "teardown");
    const double wall = (lay + bind + mmap + inj + tear) / 1000;
    if (n == 256) wall256 = wall;
    std::printf("%7u %12.2f %12.2f %12.2f %12.2f %12.1f\n", n, lay / n, bind / n, inj / n, tear / n, wall);
  }
  std::printf("256-range layout laid out, verified, poisoned once per range, torn down: %.1f s, ratio to the 60 s aim %.2f\n",
              wall256, wall256 / 60);
  return 0;
}
