#include "HmpRegisters.h"

#include <gtest/gtest.h>

using namespace cxlrig;

TEST(HmpRegisters, ReadsTheCplOfQemusX86Dump) {
  const std::string user =
      "RAX=0000000000000001 RBX=00007ffd5c1a2c40 RCX=0000000000000000 RDX=0000000000000000\r\n"
      "RIP=000000000041f2dd RFL=00000202 [-------] CPL=3 II=0 A20=1 SMM=0 HLT=0\r\n"
      "ES =0000 0000000000000000 00000000 00000000\r\n";
  EXPECT_EQ(cpl_from_registers(user), 3);
  EXPECT_EQ(cpl_from_registers("RIP=ffffffff81043208 RFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"), 0);
}

TEST(HmpRegisters, NoCplIsNothing) {
  EXPECT_FALSE(cpl_from_registers(""));
  EXPECT_FALSE(cpl_from_registers("unknown command: 'info registerz'"));
  EXPECT_FALSE(cpl_from_registers("XCPL=3"));
}
