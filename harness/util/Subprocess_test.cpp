#include "Subprocess.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

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

namespace {
// Alive, and not a zombie waiting for whoever inherited it to reap it.
bool running(pid_t pid) {
  std::string stat;
  try {
    stat = read_text_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return false;
  }
  if (stat.empty()) return false;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}
bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}
}  // namespace

// make's children (cc1, objtool) stay in make's process group: when the command ends, or
// times out, whatever it left running in that group goes too.
TEST(Subprocess, NothingTheCommandStartedOutlivesIt) {
  const std::string f = ::testing::TempDir() + "/grandchild.pid";
  std::filesystem::remove(f);
  auto r = run_command({"/bin/sh", "-c", "sleep 300 & echo $! > " + f}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const pid_t g = std::stoi(read_text_file(f));
  EXPECT_TRUE(gone_within(g, std::chrono::seconds(3))) << "grandchild " << g << " survived";

  std::filesystem::remove(f);
  r = run_command({"/bin/sh", "-c", "sleep 300 & echo $! > " + f + "; wait"}, std::chrono::seconds(1));
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(gone_within(std::stoi(read_text_file(f)), std::chrono::seconds(3)));
}

namespace {
// Shell that writes the last background job's pid to `pidfile` in one step (mv), so a
// reader never sees half a number.
std::string publish_bg_pid(const std::string& pidfile) {
  return "echo $! > " + pidfile + ".tmp; mv " + pidfile + ".tmp " + pidfile;
}

// Forks a stand-in rig that runs `argv` through run_command(), waits until the command has
// published its grandchild's pid in `pidfile`, SIGKILLs the rig, and returns that pid: -1
// when it never appeared or was not running.
pid_t grandchild_of_sigkilled_rig(const std::vector<std::string>& argv, const std::string& pidfile) {
  std::filesystem::remove(pidfile);
  const pid_t rig = ::fork();
  if (rig < 0) return -1;
  if (rig == 0) {
    run_command(argv, std::chrono::seconds(600));
    ::_exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(pidfile) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pid_t g = std::filesystem::exists(pidfile) ? std::stoi(read_text_file(pidfile)) : -1;
  if (g > 0 && !running(g)) g = -1;  // checked before the kill: after it, gone is the point
  ::kill(rig, SIGKILL);
  ::waitpid(rig, nullptr, 0);
  return g;
}
}  // namespace

// A SIGKILL of the rig cannot be caught: the reaper notices its parent died
// (PR_SET_PDEATHSIG) and takes the command's whole group down.
TEST(Subprocess, SigkilledRigLeavesNoChildBehind) {
  const std::string f = ::testing::TempDir() + "/orphan.pid";
  const pid_t g = grandchild_of_sigkilled_rig({"/bin/sh", "-c", "sleep 300 & " + publish_bg_pid(f) + "; wait"}, f);
  ASSERT_GT(g, 0) << "the command never published a running grandchild";
  EXPECT_TRUE(gone_within(g, std::chrono::seconds(3))) << "grandchild " << g << " outlived the SIGKILLed rig";
}

// Reapers nest: `cxlrig bisect` runs git, git runs `cxlrig bisect-step`, and that runs make
// under a reaper of its own. When the outer reaper takes git's group down with SIGKILL,
// the inner reaper must not be in that group, or it dies before it has sent SIGKILL to
// make's group, and whatever outlived SIGTERM there is left running for good.
TEST(Subprocess, NestedReaperOutlivesTheOuterGroupAndKillsItsOwn) {
  const std::string f = ::testing::TempDir() + "/nested.pid";
  // The inner command ignores SIGTERM (as a make stuck in its cleanup would), so only the
  // inner reaper's SIGKILL can end it.
  const std::string inner = "trap '' TERM; sleep 300 & " + publish_bg_pid(f) + "; wait";
  const pid_t g = grandchild_of_sigkilled_rig(
      {"/bin/sh", "-c", std::string(CXLRIG_REAPER_PATH) + " /bin/sh -c \"$0\"", inner}, f);
  ASSERT_GT(g, 0) << "the command never published a running grandchild";
  // The inner reaper's SIGTERM is ignored; its SIGKILL comes 3 s later.
  EXPECT_TRUE(gone_within(g, std::chrono::seconds(6))) << "grandchild " << g << " outlived the nested reapers";
  if (running(g)) ::kill(g, SIGKILL);  // a failed run leaves nothing behind either
}
