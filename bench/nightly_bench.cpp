// Nightly throughput: cells per hour of `cxlrig nightly MATRIX` with --jobs 1 and with
// --jobs 2 (or the jobs given), each into a throwaway history, and their ratio. Kernels are
// fetched or built before the first timed night (an untimed warm-up night), so the figure
// is the cells' own pace, as on a night whose kernels are already in the cache.
//
// Usage: cxlrig_nightly_bench MATRIX [--jobs 1,2] [--out DIR]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Subprocess.h"

namespace {

struct Night {
  double seconds = 0;
  size_t cells = 0, infra = 0;
  int exit_code = -1;
};

Night night(const std::string& matrix, unsigned jobs, const std::string& out) {
  std::filesystem::remove_all(out);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = cxlrig::run_command({CXLRIG_BIN, "nightly", matrix, "--out", out, "--db", out + ".sqlite", "--jobs",
                                std::to_string(jobs)},
                               std::chrono::hours(6));
  Night n;
  n.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  n.exit_code = r.exit_code;
  std::ifstream f(out + "/night.json");
  if (f) {
    auto j = nlohmann::json::parse(f);
    n.cells = j["cells"].size();
    for (auto& c : j["cells"]) n.infra += c["status"] == "infra";
  } else {
    std::fprintf(stderr, "nightly_bench: no night.json in %s:\n%s\n", out.c_str(), r.tail(20).c_str());
  }
  std::filesystem::remove(out + ".sqlite");
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MATRIX [--jobs 1,2] [--out DIR]\n", argv[0]);
    return 2;
  }
  const std::string matrix = std::filesystem::absolute(argv[1]).string();
  std::vector<unsigned> jobs = {1, 2};
  std::string out = "runs/nightly-bench";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--out") out = argv[i + 1];
    else if (a == "--jobs") {
      jobs.clear();
      std::stringstream s(argv[i + 1]);
      for (std::string x; std::getline(s, x, ',');) jobs.push_back(static_cast<unsigned>(std::stoul(x)));
    }
  }
  out = std::filesystem::absolute(out).string();
  std::printf("warm-up night (kernels fetched and built, untimed)...\n");
  std::fflush(stdout);
  night(matrix, 1, out + "/warm-up");
  std::vector<double> per_hour;
  for (unsigned j : jobs) {
    const Night n = night(matrix, j, out + "/jobs-" + std::to_string(j));
    const double cph = n.seconds > 0 ? 3600.0 * n.cells / n.seconds : 0;
    per_hour.push_back(cph);
    std::printf("--jobs %u: %zu cells (%zu infrastructure) in %.0f s: %.1f cells/hour (exit %d)\n", j, n.cells, n.infra,
                n.seconds, cph, n.exit_code);
    std::fflush(stdout);
  }
  for (size_t i = 1; i < jobs.size(); ++i)
    std::printf("ratio --jobs %u / --jobs %u: %.2fx (aim: more than 1x, else the default stays at --jobs %u)\n", jobs[i],
                jobs[0], per_hour[0] > 0 ? per_hour[i] / per_hour[0] : 0, jobs[0]);
  return 0;
}
