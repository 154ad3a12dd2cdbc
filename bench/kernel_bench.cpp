// Kernel builds for bisects, on the machine's cores: the first full build of the base config
// (a fresh cache: a fresh object dir, compiled without ccache), an incremental rebuild after
// touching drivers/dax/fsdev.c, and one bisect step (a few files changed: rebuild + boot + the default
// scenario), each against its aim (issue 13: 300 s, 20 s, 30 s). The touched file is
// restored at the end.
// Usage: cxlrig_kernel_bench TREE [CACHE_DIR [--warm|--variants]]
// --warm keeps CACHE_DIR's object dir and ccache (e.g. after the kernel self-test): one
// untimed build brings it up to date, and only the rebuild and the step are measured.
// --variants builds the kasan, kcsan and debug variants, each cold (their configs share no
// ccache entry with another), against the 480 s aim.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ChildrenCpu.h"
#include "Subprocess.h"
#include "TextFile.h"

namespace fs = std::filesystem;

namespace {

// The object count `cxlrig kernel build` printed in its kernel.json.
std::string objects_of(const std::string& out) {
  const auto at = out.find("\"objects\": ");
  if (at == std::string::npos) return "?";
  return out.substr(at + 11, out.find_first_of(",\n", at + 11) - at - 11);
}

// Puts the touched file back however the bench ends.
struct Restore {
  std::string path, text;
  ~Restore() { std::ofstream(path, std::ios::trunc) << text; }
};

// A run whose exit is not in `ok` ends the bench (the file restored on the way out).
double timed(const std::vector<std::string>& cmd, const char* what, std::initializer_list<int> ok = {0},
             std::string* output = nullptr) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = cxlrig::run_command(cmd, std::chrono::hours(3));
  if (output) *output = r.output;
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (std::find(ok.begin(), ok.end(), r.exit_code) == ok.end()) {
    std::fprintf(stderr, "%s exited %d:\n%s\n", what, r.exit_code, r.tail(30).c_str());
    throw std::runtime_error(what);
  }
  std::fprintf(stderr, "%s: %.1f s\n", what, s);
  return s;
}

// The three figures; the file is restored by the caller's guard.
void measure(const std::string& tree, const std::string& cache, bool warm, const std::string& fsdev) {
  const std::vector<std::string> build = {CXLRIG_BIN, "kernel", "build", "--tree", tree, "--cache", cache};
  std::string out_text;
  const double cpu0 = children_cpu_seconds();
  const double full = timed(build, warm ? "bring the warm object dir up to date (not a figure)" : "full build", {0},
                            &out_text);
  const double full_cpu = children_cpu_seconds() - cpu0;
  std::ofstream(fsdev, std::ios::app) << "/* cxlrig kernel bench: touched */\n";
  const double incremental = timed(build, "rebuild after touching drivers/dax/fsdev.c");
  std::ofstream(fsdev, std::ios::app) << "/* cxlrig kernel bench: a bisect step */\n";
  const std::string out = (fs::temp_directory_path() / "cxlrig-kernel-bench-run").string();
  fs::remove_all(out);
  // Pass or fail, the step gave a verdict: either is a bisect step's cost.
  const double step = timed({CXLRIG_BIN, "run", "--kernel-tree", tree, "--cache", cache, "--out", out},
                            "bisect step (rebuild + boot + default scenario)", {0, 1});
  std::printf("%-48s %9s %9s %6s\n", "figure", "seconds", "aim", "ratio");
  if (!warm) {
    std::printf("%-48s %9.1f %9d %6.2f   (%s objects)\n", "full base build (cold)", full, 300, full / 300,
                objects_of(out_text).c_str());
    // The CPU beside the wall time tells a slow hour of the machine (more core-seconds for the
    // same objects) from a build that kept a core idle (fewer cores busy). 600: the aim's 300 s
    // on its 2 cores.
    std::printf("%-48s %9.1f %9d %6.2f   (%.2f cores busy)\n", "  its CPU, user + sys (core-s)", full_cpu, 600,
                full_cpu / 600, full > 0 ? full_cpu / full : 0.0);
  }
  std::printf("%-48s %9.1f %9d %6.2f\n", "rebuild after touching drivers/dax/fsdev.c", incremental, 20, incremental / 20);
  std::printf("%-48s %9.1f %9d %6.2f\n", "bisect step: rebuild + boot + default scenario", step, 30, step / 30);
}

// Each sanitizer variant from cold: the object dirs and ccache entries of different configs
// share nothing, so one fresh cache serves all three.
void variants(const std::string& tree, const std::string& cache) {
  std::printf("%-48s %9s %9s %6s\n", "variant build (cold)", "seconds", "aim", "ratio");
  for (const char* v : {"kasan", "kcsan", "debug"}) {
    std::string out_text;
    const double s = timed({CXLRIG_BIN, "kernel", "build", "--tree", tree, "--cache", cache, "--variant", v},
                           (std::string("variant ") + v).c_str(), {0}, &out_text);
    std::printf("%-48s %9.1f %9d %6.2f   (%s objects)\n", v, s, 480, s / 480, objects_of(out_text).c_str());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TREE [CACHE_DIR [--warm]]  (TREE: e.g. from `cxlrig kernel source --series 7.3`)\n",
                 argv[0]);
    return 2;
  }
  const std::string tree = fs::absolute(argv[1]).string();
  const std::string cache = argc > 2 ? argv[2] : (fs::temp_directory_path() / "cxlrig-kernel-bench").string();
  const bool warm = argc > 3 && std::string(argv[3]) == "--warm";
  const bool variant_builds = argc > 3 && std::string(argv[3]) == "--variants";
  const std::string fsdev = tree + "/drivers/dax/fsdev.c";
  if (!fs::exists(fsdev)) {
    std::fprintf(stderr, "%s has no drivers/dax/fsdev.c\n", tree.c_str());
    return 2;
  }
  if (!warm) {  // a fresh cache: the object dirs and ccache all start empty
    fs::remove_all(cache + "/kbuild");
    fs::remove_all(cache + "/ccache");
  }
  const Restore restore{fsdev, cxlrig::read_text_file(fsdev)};
  try {
    if (variant_builds) variants(tree, cache);
    else measure(tree, cache, warm, fsdev);
  } catch (const std::exception&) {
    return 1;
  }
  return 0;
}
