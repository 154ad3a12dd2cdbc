#include "KernelBuild.h"

#include <gtest/gtest.h>

using namespace cxlrig;

TEST(KernelBuild, FirstErrorsPicksCompilerAndMakeErrors) {
  const std::string log =
      "  CC      drivers/dax/fsdev.o\n"
      "drivers/dax/fsdev.c:160:3: error: expected ';' before 'return'\n"
      "  160 |   return offset\n"
      "make[4]: *** [scripts/Makefile.build:287: drivers/dax/fsdev.o] Error 1\n"
      "make: *** [Makefile:248: __sub-make] Error 2\n";
  auto e = first_build_errors(log, 2);
  EXPECT_EQ(e,
            "drivers/dax/fsdev.c:160:3: error: expected ';' before 'return'\n"
            "make[4]: *** [scripts/Makefile.build:287: drivers/dax/fsdev.o] Error 1\n");
}

TEST(KernelBuild, FirstErrorsFallsBackToTheTail) {
  EXPECT_EQ(first_build_errors("a\nb\nc\nd\n", 2), "c\nd\n");
}
