#include "ReproduceLine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace cxlrig;

// The reproduce line used to be rebuilt by hand and dropped --modules, --kernel-arg, --accel
// and --timeout, and named a --topology FILE by its "name" field, which does not resolve.
TEST(ReproduceLine, KeepsEveryFlagTypedAndDropsTheLayoutChoice) {
  const std::string dir = (std::filesystem::path(::testing::TempDir()) / "repro").lexically_normal().string();
  std::filesystem::create_directories(dir + "/t");
  std::ofstream(dir + "/t/mine.json") << "{}";
  auto out = run_argv_from({"build/harness/cxlrig", "run", "--kernel-image", "k/bzImage", "--modules=m", "--topology",
                            "t/mine.json", "--kernel-arg", "quiet", "--kernel-arg=a b", "--accel", "tcg", "--timeout",
                            "90", "--seed", "7", "--layouts=3", "--out", "runs/x", "--inject", "mce_ar"},
                           reproduce_rewrite(), dir);
  const std::vector<std::string> want = {"build/harness/cxlrig", "run", "--kernel-image", dir + "/k/bzImage",
                                         "--modules=" + dir + "/m", "--topology", dir + "/t/mine.json",
                                         "--kernel-arg", "quiet", "--kernel-arg=a b", "--accel", "tcg",
                                         "--timeout", "90", "--inject", "mce_ar"};
  EXPECT_EQ(out, want);
}

TEST(ReproduceLine, NamesStayNamesAndBisectFlagsGo) {
  ArgvRewrite rw = reproduce_rewrite();
  rw.append = {"--kernel", "7.2.12+deb13-amd64"};
  auto out = run_argv_from({"cxlrig", "bisect", "--packaged", "--good", "7.2.6", "--bad=7.3.4", "--reverse", "--topology",
                            "vmem-2way", "--scenario", "edge-cases"},
                           rw, "/nonexistent");
  const std::vector<std::string> want = {"cxlrig", "run", "--topology", "vmem-2way", "--scenario", "edge-cases",
                                         "--kernel", "7.2.12+deb13-amd64"};
  EXPECT_EQ(out, want);
}

TEST(ReproduceLine, ABisectStepReplaysAsARun) {
  auto out = run_argv_from({"/usr/bin/cxlrig", "bisect-step", "--steps", "/b/steps", "--reverse", "--kernel-tree", "/k",
                            "--seed", "9", "--variant", "kasan"},
                           reproduce_rewrite(), "/");
  const std::vector<std::string> want = {"/usr/bin/cxlrig", "run", "--kernel-tree", "/k", "--variant", "kasan"};
  EXPECT_EQ(out, want);
}
