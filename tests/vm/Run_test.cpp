// The main job on real guests: Debian kernels, TCG, real sysfs writes, real poison.
#include <gtest/gtest.h>

#include <set>

#include "RunHarness.h"

using namespace cxlrig::test;

namespace {
const std::vector<std::string> kAllPaths = {"madvise", "corrupt_pfn", "hard_offline", "mce_ao",
                                            "mce_ar", "cxl_qmp", "cxl_debugfs"};

// Rows poisoning a page inside a range of `driver`, optionally only by the given paths.
size_t inside_rows(const nlohmann::json& results, const std::string& driver, const std::set<std::string>& paths = {}) {
  size_t n = 0;
  for (auto& c : results.at("checks")) {
    const std::string p = c["point"];
    if (c["driver"] == driver && (p == "first" || p == "interior" || p == "last") &&
        (paths.empty() || paths.count(c["path"].get<std::string>())))
      ++n;
  }
  return n;
}

void expect_every_path_passes(const RunOutcome& r) {
  auto by = passes_by_path(r.results);
  for (auto& p : kAllPaths) EXPECT_GE(by[p], 1u) << p << "\n" << r.output;
}
}  // namespace

// Guards: dax/fsdev: fix multi-range offset in memory_failure handler (dax/fsdev fix series).
TEST(Run, Default73PassesEveryPathWithItsObservers) {
  auto dir = fresh_out_dir("default-7.3");
  auto r = run_cxlrig({"run"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Every fsdev page was judged at the notify kprobe (an offset where memory_failure() runs,
  // silence for device poison), every mapped device_dax page through SIGBUS (or its
  // documented absence); enough of them reached the holder.
  EXPECT_GE(inside_rows(r.results, "fsdev_dax", {"corrupt_pfn", "hard_offline", "mce_ao", "mce_ar"}), 3u) << r.output;
  EXPECT_EQ(count_rows(r.results, "fsdev_dax", "notify", "PASS"), inside_rows(r.results, "fsdev_dax")) << r.output;
  EXPECT_GE(inside_rows(r.results, "device_dax"), 3u) << r.output;
  EXPECT_EQ(count_rows(r.results, "device_dax", "sigbus", "PASS"), inside_rows(r.results, "device_dax")) << r.output;
  EXPECT_GE(count_rows(r.results, "device_dax", "cxl", "PASS") + count_rows(r.results, "fsdev_dax", "cxl", "PASS"), 1u);
  expect_every_path_passes(r);
  EXPECT_EQ(r.results["summary"]["fail"], 0);
  EXPECT_EQ(r.results["kernel"]["series"], "7.3");
  // Debian's kernels have CONFIG_PVH: QEMU enters the vmlinux the rig unpacked, not the bzImage.
  EXPECT_EQ(r.results["kernel"]["boot"]["entry"], "pvh") << r.results["kernel"].dump();
  for (auto a : {"console.log", "qmp.log", "agent.log", "qemu.cmdline", "junit.xml", "results.json"})
    EXPECT_TRUE(r.has(a)) << a;
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

// The "done when": every path over 20 layouts in one boot.
// At a terminal the run shows where it is (phase, layout i of N, checks done of the total)
// on one self-rewriting stderr line; piped, it prints nothing extra.
TEST(Run, ProgressShowsOnATerminalOnly) {
  auto tty = run_cxlrig_on_tty({"run", "--layouts", "2", "--inject", "corrupt_pfn"}, fresh_out_dir("progress-tty"));
  ASSERT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_NE(tty.output.find("\rrun: layout 1/2 · checks 0/"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("run: layout 2/2 · checks "), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("boot"), std::string::npos) << tty.output;
  auto piped = run_cxlrig({"run", "--layouts", "2", "--inject", "corrupt_pfn"}, fresh_out_dir("progress-piped"));
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find("run: layout"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\r'), std::string::npos) << piped.output;
}

TEST(Run, TwentyLayoutsEveryPathOneBoot) {
  auto dir = fresh_out_dir("layouts-20");
  auto r = run_cxlrig({"run", "--inject", "all", "--layouts", "20", "--seed", "4242"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_every_path_passes(r);
  std::set<size_t> layouts;
  std::set<std::string> orders;
  for (auto& c : r.results["checks"]) layouts.insert(c["layout"].get<size_t>());
  for (auto& l : r.results["layouts"]) orders.insert(l["order"].get<std::string>());
  EXPECT_EQ(layouts.size(), 20u);
  EXPECT_EQ(orders.size(), 3u);
  EXPECT_TRUE(r.results["reproduce"].empty());
}

TEST(Run, Kernel612PassesDeviceDaxAndSkipsFsdev) {
  auto dir = fresh_out_dir("kernel-6.12");
  // Through the bzImage's own decompressor, so that path is booted for real too.
  auto r = run_cxlrig({"run", "--kernel", "6.12", "--boot", "bzimage"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.results["kernel"]["boot"]["entry"], "bzimage");
  EXPECT_GE(inside_rows(r.results, "device_dax"), 3u) << r.output;
  EXPECT_EQ(count_rows(r.results, "device_dax", "sigbus", "PASS"), inside_rows(r.results, "device_dax")) << r.output;
  EXPECT_EQ(count_rows(r.results, "fsdev_dax", "notify", "PASS"), 0u);
  size_t skipped = 0;
  for (auto& c : r.results["checks"])
    if (c["driver"] == "fsdev_dax") {
      EXPECT_EQ(c["verdict"], "SKIP");
      EXPECT_NE(c["reason"].get<std::string>().find("fsdev_dax"), std::string::npos);
      ++skipped;
    }
  EXPECT_EQ(skipped, inside_rows(r.results, "fsdev_dax") + 1) << "every fsdev row, and the region page it judges";
}

TEST(Run, OtherSeedsStillPass) {
  // The rig must be right for layouts no test names: a different seed, a different layout.
  auto dir = fresh_out_dir("seed-977");
  auto r = run_cxlrig({"run", "--seed", "977"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GE(inside_rows(r.results, "fsdev_dax", {"corrupt_pfn", "hard_offline", "mce_ao", "mce_ar"}), 1u) << r.output;
  EXPECT_EQ(count_rows(r.results, "fsdev_dax", "notify", "PASS"), inside_rows(r.results, "fsdev_dax")) << r.output;
}

// Single range, ascending and descending order, the pages just outside each range.
TEST(Run, EdgeCases) {
  auto dir = fresh_out_dir("edge-cases");
  auto r = run_cxlrig({"run", "--scenario", "edge-cases"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::set<std::string> points;
  for (auto& c : r.results["checks"])
    if (c["verdict"] == "PASS") points.insert(c["point"].get<std::string>());
  for (auto p : {"first", "last", "before", "after", "outside", "readback"}) EXPECT_TRUE(points.count(p)) << p;
}

TEST(Run, OneGiBAlignReportsTheBlock) {
  auto dir = fresh_out_dir("align-1g");
  auto r = run_cxlrig({"run", "--scenario", "align-1g"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  bool lsb30 = false;
  for (auto& c : r.results["checks"])
    if (c["details"].contains("si_addr_lsb")) lsb30 = lsb30 || c["details"]["si_addr_lsb"] == 30;
  EXPECT_TRUE(lsb30) << r.output;
}

// 256 ranges on one device, each poisoned once.
TEST(Run, TwoHundredFiftySixRanges) {
  auto dir = fresh_out_dir("scale-256");
  auto r = run_cxlrig({"run", "--scenario", "scale-256"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  size_t ranges = 0;
  for (auto& c : r.results["checks"])
    if (c["verdict"] == "PASS" && c["range"].is_number()) ranges = std::max(ranges, c["range"].get<size_t>() + 1);
  EXPECT_EQ(ranges, 256u);
}

// The range limit of `mapping` on one device, and that it still binds.
TEST(Run, RangeLimit) {
  auto dir = fresh_out_dir("range-limit");
  auto r = run_cxlrig({"run", "--scenario", "range-limit"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GE(r.results["capabilities"]["range_limit"]["accepted"].get<size_t>(), 256u);
  bool row = false;
  for (auto& c : r.results["checks"])
    if (c["key"] == "range-limit/device_dax") row = c["verdict"] == "PASS";
  EXPECT_TRUE(row) << r.output;
}
