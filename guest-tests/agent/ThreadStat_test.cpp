#include "ThreadStat.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

// A real line, read from a shell on the host (proc(5) is the same in the guest): 52 fields,
// field 39 (processor) is 1.
const std::string kShell =
    "3013 (bash) S 3012 3013 3013 0 -1 4194560 37060 20458998 0 1370 50 95 58901 33950 20 0 1 0 "
    "2324806 5373952 1002 18446744073709551615 94041000714240 94041001503645 140726236439296 0 0 0 "
    "65536 4 1132560123 1 0 0 17 1 0 0 0 0 0 94041001736944 94041001785188 94041764937728 "
    "140726236441402 140726236441417 140726236441417 140726236442602 0";

TEST(ThreadStat, StateAndLastCpu) {
  auto t = parse_thread_stat(kShell);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->state, "S");
  EXPECT_EQ(t->last_cpu, 1);
}

TEST(ThreadStat, CommandWithSpacesAndParentheses) {
  auto t = parse_thread_stat("7 (a (b) c) D" + kShell.substr(kShell.find(") S") + 3));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->state, "D");
  EXPECT_EQ(t->last_cpu, 1);
}

TEST(ThreadStat, TruncatedLineIsNoAnswer) {
  EXPECT_FALSE(parse_thread_stat("3013 (bash) S 3012 3013 3013"));
  EXPECT_FALSE(parse_thread_stat("garbage"));
}

}  // namespace
}  // namespace agent
