#include "ConsoleScanner.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace cxlrig;

namespace {
ConsoleScanner scan_file(const std::string& name) {
  std::ifstream in(std::string(CXLRIG_TEST_DATA) + "/" + name);
  EXPECT_TRUE(in) << name;
  ConsoleScanner s;
  for (std::string line; std::getline(in, line);) s.scan(line);
  return s;
}
}  // namespace

TEST(ConsoleScanner, CleanBootOf73HasNoSplat) {
  auto s = scan_file("console-7.3.4-clean.log");
  EXPECT_GT(s.lines(), 100u);
  EXPECT_TRUE(s.splats().empty()) << s.splats().front().text;
  EXPECT_FALSE(s.panicked());
}

TEST(ConsoleScanner, FindsWarnOopsAndPanicInOrder) {
  auto s = scan_file("console-splats.log");
  ASSERT_EQ(s.splats().size(), 4u);
  EXPECT_EQ(s.splats()[0].kind, "warning");
  EXPECT_EQ(s.splats()[0].where, "drivers/dax/super.c:345");
  EXPECT_EQ(s.splats()[1].kind, "bug");
  EXPECT_EQ(s.splats()[2].kind, "oops");
  EXPECT_EQ(s.splats()[3].kind, "panic");
  EXPECT_TRUE(s.panicked());
}

TEST(ConsoleScanner, DebugKernelReports) {
  ConsoleScanner s;
  EXPECT_EQ(s.scan("[   12.1] BUG: KASAN: slab-use-after-free in dax_holder_notify_failure+0x4a/0x90")->kind, "kasan");
  EXPECT_EQ(s.scan("[   12.2] BUG: KCSAN: data-race in dax_holder_notify_failure / fs_put_dax")->kind, "kcsan");
  EXPECT_EQ(s.scan("[   12.3] WARNING: possible circular locking dependency detected")->kind, "lockdep");
  EXPECT_EQ(s.splats()[0].where, "dax_holder_notify_failure+0x4a/0x90");
  EXPECT_FALSE(s.scan("[    0.1] Memory failure: 0x3d4000: recovery action for dax page: Recovered"));
  EXPECT_FALSE(s.panicked());
}
