#include "ExitStatus.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

namespace cxlrig {
namespace {

int status_of_child(void (*body)()) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return st;
}

TEST(ExitStatus, TellsAnExitCodeFromASignal) {
  EXPECT_EQ(describe_wait_status(status_of_child([] { ::_exit(6); })), "exited with code 6");
  const int aborted = status_of_child([] {
    ::signal(SIGABRT, SIG_DFL);
    struct rlimit none = {0, 0};
    ::setrlimit(RLIMIT_CORE, &none);  // no core file from the test
    ::raise(SIGABRT);
  });
  EXPECT_EQ(describe_wait_status(aborted), "was killed by signal 6 (SIGABRT)");
  EXPECT_EQ(describe_wait_status(status_of_child([] { ::raise(SIGKILL); })), "was killed by signal 9 (SIGKILL)");
}

TEST(ExitStatus, LastLogLineSkipsTrailingBlankLinesAndKeepsTheEnd) {
  EXPECT_EQ(last_log_line(""), "");
  EXPECT_EQ(last_log_line("\n\n"), "");
  EXPECT_EQ(last_log_line("one\ntwo\n\n"), "two");
  EXPECT_EQ(last_log_line("only"), "only");
  EXPECT_EQ(last_log_line("a\n0123456789\n", 4), "...6789");
}

}  // namespace
}  // namespace cxlrig
