#include "QemuProcess.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "ExitStatus.h"

namespace cxlrig {
namespace {

// A stand-in for a QEMU that aborts (an assertion in TCG, say): the rig must say it was
// a signal, not "exited with code 6".
TEST(QemuProcess, AnAbortIsReportedAsASignalNotAnExitCode) {
  const std::string log = testing::TempDir() + "/qemu-process-abort.log";
  boost::asio::io_context ioc;
  QemuProcess p(ioc, {"/bin/sh", "-c", "ulimit -c 0; echo 'qemu: assertion failed' >&2; kill -ABRT $$"}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!p.exited() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(p.exited());
  EXPECT_EQ(*p.exit_code(), 6) << "Boost's folded code";
  EXPECT_EQ(describe_wait_status(p.raw_status()), "was killed by signal 6 (SIGABRT)");
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "qemu: assertion failed");
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace cxlrig
