#include "RacePlan.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;

namespace {
RaceSpec spec(unsigned ranges, uint64_t size = 2ull << 20) {
  RaceSpec s;
  s.driver = "fsdev_dax";
  s.ranges = ranges;
  s.range_size = size;
  return s;
}
constexpr uint64_t M = 1ull << 20;
}  // namespace

TEST(RacePlan, BaseRangesAreOneSlotApartAndGrowFillsEveryOtherSlot) {
  const RacePlan p = plan_race(spec(2), 0x390000000ull, 16 * M, "r.race");
  ASSERT_EQ(p.base.size(), 2u);
  EXPECT_EQ(p.base[0], (PhysRange{0x390000000ull, 0x390000000ull + 2 * M - 1}));
  EXPECT_EQ(p.base[1].start, 0x390000000ull + 4 * M);
  // 8 slots: base at 0 and 2; grow takes 1, 3, 4, 5, 6, 7 in order.
  ASSERT_EQ(p.grow.size(), 6u);
  EXPECT_EQ(p.grow[0].start, 0x390000000ull + 2 * M);
  EXPECT_EQ(p.grow[1].start, 0x390000000ull + 6 * M);
  EXPECT_EQ(p.grow.back().end, 0x390000000ull + 16 * M - 1);
  EXPECT_EQ(p.size(), 4 * M);
  EXPECT_EQ(p.pfns.size(), 1024u);  // every 4 KiB page of 4 MiB
  EXPECT_EQ(p.pfns.front(), 0x390000000ull / 4096);
}

TEST(RacePlan, AnUnalignedRegionStartsAtTheFirstAlignedAddress) {
  const RacePlan p = plan_race(spec(1), 0x390100000ull, 16 * M, "r.race");
  EXPECT_EQ(p.base[0].start, 0x390200000ull);
  for (auto& r : p.grow) EXPECT_LE(r.end, 0x390100000ull + 16 * M - 1);
}

TEST(RacePlan, RangesThatDoNotFitNameTheField) {
  try {
    plan_race(spec(4), 0x390000000ull, 8 * M, "r.race");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("r.race.ranges"), std::string::npos) << e.what();
  }
}

TEST(RacePlan, GrowAndPagesAreCapped) {
  const RacePlan p = plan_race(spec(32), 0, 64ull << 30, "r.race");
  EXPECT_EQ(p.grow.size(), kMaxGrow);
  EXPECT_EQ(p.pfns.size(), kMaxPfns);
}
