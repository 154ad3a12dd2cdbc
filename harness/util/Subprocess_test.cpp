#include "Subprocess.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "TextFile.h"

using namespace cxlrig;

// A child started with fd 0 closed hands that slot to the first file it opens: GNU make
// puts its jobserver pipe there, and every sub-make then spins reading EOF from fd 0.
TEST(Subprocess, ChildrenGetDevNullAsStdin) {
  auto r = run_command({"/bin/sh", "-c", "readlink /proc/self/fd/0; readlink /proc/self/fd/1 >/dev/null && echo out"},
                       std::chrono::seconds(10));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "/dev/null\nout\n");
}

TEST(Subprocess, LoggedChildrenGetDevNullAsStdin) {
  const std::string log = ::testing::TempDir() + "/logged-stdin.log";
  std::filesystem::remove(log);
  ASSERT_EQ(run_logged({"/bin/sh", "-c", "readlink /proc/self/fd/0"}, log, std::chrono::seconds(10)), 0);
  EXPECT_NE(read_text_file(log).find("\n/dev/null\n"), std::string::npos) << read_text_file(log);
}
