// `cxlrig kernel info`: boot a real packaged kernel and report what it offers, so scenarios
// SKIP with a reason instead of failing. Facts checked against the Debian kernels (design.md):
// 7.3 ships fsdev_dax, 6.12 does not; neither has Linux DCD support; neither is a KASAN or
// KCSAN build; both have hwpoison inject and kprobe events.
#include <gtest/gtest.h>

#include "RunHarness.h"

using namespace cxlrig::test;

namespace {

void expect_line(const std::string& out, const std::string& name, bool present) {
  auto at = out.find("  " + name + " ");
  ASSERT_NE(at, std::string::npos) << name << " missing from\n" << out;
  const std::string line = out.substr(at, out.find('\n', at) - at);
  EXPECT_NE(line.find(present ? " yes" : " no "), std::string::npos) << line;
  if (!present) {
    EXPECT_NE(line.find("SKIP: "), std::string::npos) << line;
  }
}

}  // namespace

TEST(KernelInfo, Debian73OffersFsdevButNoDcdOrSanitizers) {
  auto dir = fresh_out_dir("kernel-info-7.3");
  auto r = run_cxlrig({"kernel", "info", "--kernel", "7.3"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_line(r.output, "driver:fsdev_dax", true);
  expect_line(r.output, "cxl:dcd", false);
  expect_line(r.output, "debugfs:hwpoison", true);
  expect_line(r.output, "trace:kprobe_events", true);
  expect_line(r.output, "kprobe:dax_holder_notify_failure", true);
  expect_line(r.output, "syscall:madvise", true);
  expect_line(r.output, "kernel:kasan", false);
  expect_line(r.output, "kernel:kcsan", false);
  expect_line(r.output, "kernel:lockdep", false);
  const auto& caps = r.results["capabilities"];
  EXPECT_EQ(caps["driver:fsdev_dax"], true);
  EXPECT_EQ(caps["cxl:dcd"], false);
  EXPECT_TRUE(caps["dcd_probe"].is_object()) << "the DCD device of dcd-1 was looked at";
  EXPECT_EQ(r.results["topology"], "dcd-1");
  EXPECT_TRUE(r.has("console.log") && r.has("agent.log") && r.has("junit.xml"));
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

TEST(KernelInfo, Debian612HasNoFsdev) {
  auto dir = fresh_out_dir("kernel-info-6.12");
  auto r = run_cxlrig({"kernel", "info", "--kernel", "6.12", "--topology", "vmem-1"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_line(r.output, "driver:fsdev_dax", false);
  expect_line(r.output, "driver:device_dax", true);
  expect_line(r.output, "debugfs:hwpoison", true);
  EXPECT_FALSE(r.results["capabilities"].contains("dcd_probe")) << "vmem-1 has no DCD device to look at";
}
