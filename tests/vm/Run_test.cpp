// The main job on real guests: Debian kernels, TCG, real sysfs writes, real poison.
#include <gtest/gtest.h>

#include "RunHarness.h"

using namespace cxlrig::test;

// Guards: dax/fsdev: fix multi-range offset in memory_failure handler (dax/fsdev fix series).
TEST(Run, Default73PassesFsdevAndDeviceDaxRows) {
  auto dir = fresh_out_dir("default-7.3");
  auto r = run_cxlrig({"run"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GE(count_rows(r.results, "fsdev_dax", "notify_kprobe", "PASS"), 9u) << r.output;
  EXPECT_GE(count_rows(r.results, "device_dax", "sigbus", "PASS"), 9u) << r.output;
  EXPECT_EQ(r.results["summary"]["fail"], 0);
  EXPECT_EQ(r.results["kernel"]["series"], "7.3");
  for (auto a : {"console.log", "qmp.log", "agent.log", "qemu.cmdline", "junit.xml", "results.json"})
    EXPECT_TRUE(r.has(a)) << a;
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

TEST(Run, Kernel612PassesDeviceDaxAndSkipsFsdev) {
  auto dir = fresh_out_dir("kernel-6.12");
  auto r = run_cxlrig({"run", "--kernel", "6.12"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GE(count_rows(r.results, "device_dax", "sigbus", "PASS"), 9u) << r.output;
  EXPECT_EQ(count_rows(r.results, "fsdev_dax", "notify_kprobe", "PASS"), 0u);
  size_t skipped = 0;
  for (auto& c : r.results["checks"])
    if (c["driver"] == "fsdev_dax") {
      EXPECT_EQ(c["verdict"], "SKIP");
      EXPECT_NE(c["reason"].get<std::string>().find("fsdev_dax"), std::string::npos);
      ++skipped;
    }
  EXPECT_GE(skipped, 9u);
}

TEST(Run, OtherSeedsStillPass) {
  // The rig must be right for layouts no test names: a different seed, a different layout.
  auto dir = fresh_out_dir("seed-977");
  auto r = run_cxlrig({"run", "--seed", "977"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GE(count_rows(r.results, "fsdev_dax", "notify_kprobe", "PASS"), 9u) << r.output;
}
