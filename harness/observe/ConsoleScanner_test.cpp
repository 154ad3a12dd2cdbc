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
  EXPECT_TRUE(s.splats().empty()) << s.splats().front().title;
  EXPECT_FALSE(s.panicked());
}

// A WARN, then an Oops whose "BUG:" line, "Oops:" line and "Fatal exception" panic are one
// report: two splats, not four.
TEST(ConsoleScanner, WarnThenOneOopsReportWithItsPanic) {
  auto s = scan_file("console-splats.log");
  ASSERT_EQ(s.splats().size(), 2u);
  EXPECT_EQ(s.splats()[0].title, "WARNING in fs_put_dax");
  EXPECT_EQ(s.splats()[1].title, "BUG: unable to handle kernel NULL pointer dereference in dax_holder_notify_failure");
  EXPECT_NE(s.splats()[1].report.find("Kernel panic - not syncing: Fatal exception"), std::string::npos);
  EXPECT_TRUE(s.panicked());
}

TEST(ConsoleScanner, SplatsSinceALineAreWhatAWindowProvoked) {
  ConsoleScanner s;
  s.scan("[    1.0] WARNING: CPU: 0 PID: 1 at mm/a.c:1 first_warn+0x1/0x2");
  s.scan("[    1.1] ---[ end trace 0000000000000000 ]---");
  const size_t mark = s.lines();
  s.scan("[    2.0] WARNING: CPU: 1 PID: 7 at mm/b.c:2 second_warn+0x1/0x2");
  ASSERT_EQ(s.splats_since(mark).size(), 1u);
  EXPECT_EQ(s.splats_since(mark)[0].title, "WARNING in second_warn");
  EXPECT_FALSE(s.scan("[    0.1] Memory failure: 0x3d4000: recovery action for dax page: Recovered"));
}
