// Kernel builds for bisects, on the machine's cores: the first full build of the base config
// (a fresh cache, so ccache starts cold), an incremental rebuild after touching
// drivers/dax/fsdev.c, and one bisect step (a few files changed: rebuild + boot + the default
// scenario), each against its aim from issue 5. The touched file is restored at the end.
// Usage: cxlrig_kernel_bench TREE [CACHE_DIR]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "Subprocess.h"
#include "TextFile.h"

namespace fs = std::filesystem;

namespace {

double timed(const std::vector<std::string>& cmd, const char* what) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = cxlrig::run_command(cmd, std::chrono::hours(3));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.exit_code != 0) {
    std::fprintf(stderr, "%s exited %d:\n%s\n", what, r.exit_code, r.tail(30).c_str());
    std::exit(1);
  }
  std::fprintf(stderr, "%s: %.1f s\n", what, s);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TREE [CACHE_DIR]  (TREE: e.g. from `cxlrig kernel source --series 7.3`)\n", argv[0]);
    return 2;
  }
  const std::string tree = fs::absolute(argv[1]).string();
  const std::string cache = argc > 2 ? argv[2] : (fs::temp_directory_path() / "cxlrig-kernel-bench").string();
  const std::string fsdev = tree + "/drivers/dax/fsdev.c";
  if (!fs::exists(fsdev)) {
    std::fprintf(stderr, "%s has no drivers/dax/fsdev.c\n", tree.c_str());
    return 2;
  }
  // A fresh cache: the object dir and ccache both start empty.
  fs::remove_all(cache + "/kbuild");
  fs::remove_all(cache + "/ccache");
  const std::string original = cxlrig::read_text_file(fsdev);
  const std::vector<std::string> build = {CXLRIG_BIN, "kernel", "build", "--tree", tree, "--cache", cache};
  const double full = timed(build, "full build");
  std::ofstream(fsdev, std::ios::app) << "/* cxlrig kernel bench: touched */\n";
  const double incremental = timed(build, "rebuild after touching drivers/dax/fsdev.c");
  std::ofstream(fsdev, std::ios::app) << "/* cxlrig kernel bench: a bisect step */\n";
  const double step = timed({CXLRIG_BIN, "run", "--kernel-tree", tree, "--cache", cache, "--out",
                             (fs::temp_directory_path() / "cxlrig-kernel-bench-run").string()},
                            "bisect step (rebuild + boot + default scenario)");
  std::ofstream(fsdev, std::ios::trunc) << original;
  std::printf("%-48s %9s %9s %6s\n", "figure", "seconds", "aim", "ratio");
  std::printf("%-48s %9.1f %9d %6.2f\n", "full base build (cold ccache)", full, 240, full / 240);
  std::printf("%-48s %9.1f %9s %6s\n", "rebuild after touching drivers/dax/fsdev.c", incremental, "-", "-");
  std::printf("%-48s %9.1f %9d %6.2f\n", "bisect step: rebuild + boot + default scenario", step, 60, step / 60);
  return 0;
}
