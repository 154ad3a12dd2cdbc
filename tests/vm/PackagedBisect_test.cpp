// `cxlrig bisect --packaged` over real Debian kernels from the mirror. No packaged kernel
// (design.md) regresses the default scenario, so the real bisect here checks its premise:
// both ends are run for real, and an end that passes where it should fail stops the bisect
// with exit 2 naming the flag, every step's artifacts kept. Culprit naming over a list with
// skips is ListBisect_test's.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "RunHarness.h"

namespace fs = std::filesystem;
using namespace cxlrig::test;

TEST(PackagedBisect, BadEndThatPassesStopsWithBothEndsJudged) {
  auto dir = fresh_out_dir("bisect-packaged");
  auto r = run_cxlrig({"bisect", "--packaged", "--good", "7.2.12", "--bad", "7.3.4", "--out", dir}, "", 1800);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--bad 7.3.4+deb13-amd64 is good, not bad: nothing to bisect"), std::string::npos) << r.output;
  std::ifstream in(dir + "/bisect.json");
  auto j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["good"], "7.2.12+deb13-amd64");
  ASSERT_EQ(j["steps"].size(), 2u);
  for (auto& s : j["steps"]) {
    EXPECT_EQ(s["run_exit"], 0) << s;
    auto res = load_results(s["out"].get<std::string>());
    ASSERT_TRUE(res.is_object()) << s;
    EXPECT_EQ(res["kernel"]["abi"], s["kernel"]) << "each step ran its own kernel";
  }
}

TEST(PackagedBisect, KernelNotOnTheMirrorIsBadInput) {
  auto dir = fresh_out_dir("bisect-packaged-missing");
  auto r = run_cxlrig({"bisect", "--packaged", "--good", "5.10.999", "--bad", "7.3.4", "--out", dir}, "", 600);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--good"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("7.3.4+deb13-amd64"), std::string::npos) << "lists what is there\n" << r.output;
}
