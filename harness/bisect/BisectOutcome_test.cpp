#include "BisectOutcome.h"

#include <gtest/gtest.h>

using namespace cxlrig;

TEST(BisectOutcome, ForwardPassIsGoodFailIsBad) {
  EXPECT_EQ(bisect_step_exit(0, false), 0);
  EXPECT_EQ(bisect_step_exit(1, false), 1);
}

TEST(BisectOutcome, ReverseFailIsBrokenPassIsFixed) {
  EXPECT_EQ(bisect_step_exit(1, true), 0);
  EXPECT_EQ(bisect_step_exit(0, true), 1);
}

TEST(BisectOutcome, InfrastructureSkipsBadInputAndInterruptAbort) {
  for (bool rev : {false, true}) {
    EXPECT_EQ(bisect_step_exit(125, rev), 125);
    EXPECT_EQ(bisect_step_exit(2, rev), 255);
    EXPECT_EQ(bisect_step_exit(130, rev), 255);
  }
}

TEST(BisectOutcome, NamesWhatGitMadeOfAStep) {
  EXPECT_STREQ(bisect_step_term(0, false), "good");
  EXPECT_STREQ(bisect_step_term(1, false), "bad");
  EXPECT_STREQ(bisect_step_term(0, true), "broken");
  EXPECT_STREQ(bisect_step_term(1, true), "fixed");
  EXPECT_STREQ(bisect_step_term(125, true), "skip");
  EXPECT_STREQ(bisect_step_term(255, false), "abort");
}

TEST(BisectOutcome, ReadsTheFirstCommitForItsTerm) {
  const std::string out =
      "running  'cxlrig' 'bisect-step'\n"
      "3f1c2a0000000000000000000000000000000abc is the first bad commit\n"
      "commit 3f1c2a0000000000000000000000000000000abc\n";
  EXPECT_EQ(first_commit_in_bisect_output(out, false), "3f1c2a0000000000000000000000000000000abc");
  EXPECT_EQ(first_commit_in_bisect_output(out, true), std::nullopt);
  EXPECT_EQ(first_commit_in_bisect_output("There are only 'skip'ped commits left to test.\n", false), std::nullopt);
}
