// Runs that cannot finish: interrupted, hung, panicked. Each must leave its artifacts and
// no QEMU process, and end with the exit code git bisect run expects.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "RunHarness.h"

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace cxlrig::test;

TEST(Abort, SigintLeavesNoQemuAndCompleteArtifacts) {
  auto dir = fresh_out_dir("sigint");
  bp::child c(CXLRIG_BIN, "run", "--out", dir, (bp::std_out & bp::std_err) > bp::null);
  // Interrupt once the guest is running: its agent came up and got its first request.
  ASSERT_TRUE(wait_for_agent_op(dir, "load_modules", std::chrono::minutes(10))) << "the guest never came up";
  ASSERT_TRUE(fs::exists(dir + "/qemu.cmdline"));
  ::kill(c.id(), SIGINT);
  ASSERT_TRUE(c.wait_for(std::chrono::seconds(60)));
  EXPECT_EQ(c.exit_code(), 130);
  EXPECT_TRUE(leftover_qemu(dir).empty());
  auto res = load_results(dir);
  ASSERT_FALSE(res.is_null());
  EXPECT_EQ(res["verdict"], "INTERRUPTED");
  for (auto a : {"console.log", "qmp.log", "agent.log", "junit.xml"}) EXPECT_TRUE(fs::exists(dir + "/" + a)) << a;
}

// QEMU dying under the rig (the OOM killer, an abort() in TCG) is infrastructure, and the
// reason names the signal: Boost folds a signal into an "exit code", so an abort read
// "QEMU exited with code 6". SIGKILL here, since an abort would dump QEMU's core.
TEST(Abort, QemuKilledBySignalIsInfrastructureNamingTheSignal) {
  auto dir = fresh_out_dir("qemu-killed");
  bp::child c(CXLRIG_BIN, "run", "--out", dir, (bp::std_out & bp::std_err) > bp::null);
  ASSERT_TRUE(wait_for_agent_op(dir, "load_modules", std::chrono::minutes(10))) << "the guest never came up";
  const auto qemu = leftover_qemu(dir);
  ASSERT_EQ(qemu.size(), 1u);
  ::kill(qemu[0], SIGKILL);
  ASSERT_TRUE(c.wait_for(std::chrono::seconds(60)));
  EXPECT_EQ(c.exit_code(), 125);
  auto res = load_results(dir);
  ASSERT_FALSE(res.is_null());
  EXPECT_NE(res["error"].get<std::string>().find("QEMU was killed by signal 9 (SIGKILL)"), std::string::npos)
      << res["error"];
  for (auto a : {"console.log", "qmp.log", "agent.log", "qemu.log", "junit.xml"}) EXPECT_TRUE(fs::exists(dir + "/" + a)) << a;
}

TEST(Abort, HungGuestTimesOutWith125) {
  // PID 1 = `busybox sleep 3600` (arguments after "--" go to init): the guest boots and
  // then never starts the agent.
  auto dir = fresh_out_dir("hang");
  auto r = run_cxlrig({"run", "--kernel-arg", "rdinit=/bin/busybox", "--kernel-arg=-- sleep 3600", "--timeout", "40"}, dir);
  EXPECT_EQ(r.exit_code, 125) << r.output;
  ASSERT_FALSE(r.results.is_null());
  EXPECT_NE(r.results["error"].get<std::string>().find("timed out"), std::string::npos) << r.results["error"];
  EXPECT_TRUE(r.has("console.log"));
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

TEST(Abort, PanicAtBootIsInfrastructure125WithTheSplat) {
  auto dir = fresh_out_dir("panic");
  auto r = run_cxlrig({"run", "--kernel-arg", "rdinit=/no-such-init", "--kernel-arg", "init=/no-such-init"}, dir);
  EXPECT_EQ(r.exit_code, 125) << r.output;
  ASSERT_FALSE(r.results.is_null());
  bool panic = false;
  for (auto& s : r.results["splats"]) panic |= s["kind"] == "panic";
  EXPECT_TRUE(panic) << r.results["splats"];
  EXPECT_EQ(r.results["booted"], false);
  EXPECT_TRUE(leftover_qemu(dir).empty());
}
