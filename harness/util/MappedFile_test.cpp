#include "MappedFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "InputError.h"

namespace cxlrig {
namespace {

TEST(MappedFile, SeesTheBytesAndNamesAFileItCannotOpen) {
  const std::string path = testing::TempDir() + "cxlrig-mappedfile-test";
  { std::ofstream(path, std::ios::binary) << std::string("\x7f" "ELF\0rest", 9); }
  {
    const MappedFile f(path);
    EXPECT_EQ(f.bytes(), std::string_view("\x7f" "ELF\0rest", 9));
  }
  { std::ofstream(path, std::ios::binary | std::ios::trunc); }
  EXPECT_TRUE(MappedFile(path).bytes().empty());
  std::remove(path.c_str());
  try {
    MappedFile missing("/nonexistent/vmlinux");
    ADD_FAILURE() << "a missing file must be an error";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/vmlinux"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cxlrig
