#include "TextFile.h"

#include <gtest/gtest.h>

namespace cxlrig {
namespace {

TEST(TextFile, LastLinesLeavesOutTrailingBlankLines) {
  EXPECT_EQ(last_lines("", 3), "");
  EXPECT_EQ(last_lines("a\nb\nc\n", 0), "");
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb\nc\n\n \n", 1), "c");
  EXPECT_EQ(last_lines("a\nb\n", 8), "a\nb");
  EXPECT_EQ(last_lines("\nx\n", 1), "x");
  EXPECT_EQ(last_lines("\nx\n", 5), "x");
}

}  // namespace
}  // namespace cxlrig
