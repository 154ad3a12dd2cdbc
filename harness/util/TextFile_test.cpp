#include "TextFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "InputError.h"

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

TEST(TextFile, ReadsWholeFilesLargeOrWithoutASize) {
  const std::string path = testing::TempDir() + "cxlrig-textfile-test";
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = char(i % 251);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(big.data(), std::streamsize(big.size()));
  }
  EXPECT_EQ(read_text_file(path), big);
  std::remove(path.c_str());
  // /proc files say they are empty, and have text.
  EXPECT_NE(read_text_file("/proc/self/status").find("Name:"), std::string::npos);
  EXPECT_THROW(read_text_file("/nonexistent/file"), InfraError);
}

}  // namespace
}  // namespace cxlrig
