#include "RangeTable.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {
constexpr uint64_t MiB = 1ull << 20;
// Three ranges written out of physical order, as mapping_store receives them.
RangeTable three() {
  return RangeTable({{0x3d4000000, 0x3d4000000 + 16 * MiB - 1},
                     {0x3d1000000, 0x3d1000000 + 8 * MiB - 1},
                     {0x3d8000000, 0x3d8000000 + 2 * MiB - 1}});
}
}  // namespace

TEST(RangeTable, PageOffsetsSumPreviousSizesInPages) {
  auto t = three();
  EXPECT_EQ(t.page_offset(0), 0u);
  EXPECT_EQ(t.page_offset(1), 16 * MiB / 4096);
  EXPECT_EQ(t.page_offset(2), 24 * MiB / 4096);
  EXPECT_EQ(t.total_size(), 26 * MiB);
}

TEST(RangeTable, LocateBoundaries) {
  auto t = three();
  auto first = t.locate(0x3d4000000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->index, 0u);
  EXPECT_EQ(first->dev_offset, 0u);
  auto last0 = t.locate(0x3d4000000 + 16 * MiB - 1);
  ASSERT_TRUE(last0);
  EXPECT_EQ(last0->dev_offset, 16 * MiB - 1);
  // First byte of the second range follows the last byte of the first in device space,
  // although it sits lower in physical space.
  auto first1 = t.locate(0x3d1000000);
  ASSERT_TRUE(first1);
  EXPECT_EQ(first1->index, 1u);
  EXPECT_EQ(first1->dev_offset, 16 * MiB);
  auto last2 = t.locate(0x3d8000000 + 2 * MiB - 4096);
  ASSERT_TRUE(last2);
  EXPECT_EQ(last2->dev_offset, 26 * MiB - 4096);
}

TEST(RangeTable, OutsideEveryRangeIsNothing) {
  auto t = three();
  EXPECT_FALSE(t.locate(0x3d1000000 - 1));
  EXPECT_FALSE(t.locate(0x3d1000000 + 8 * MiB));
  EXPECT_FALSE(t.locate(0));
}

TEST(RangeTable, PhysOfInvertsLocate) {
  auto t = three();
  for (uint64_t off : {uint64_t{0}, 16 * MiB - 4096, 16 * MiB, 25 * MiB, 26 * MiB - 1}) {
    auto p = t.phys_of(off);
    ASSERT_TRUE(p) << off;
    EXPECT_EQ(t.locate(*p)->dev_offset, off);
  }
  EXPECT_FALSE(t.phys_of(26 * MiB));
}

TEST(RangeTable, SingleRangeIsIdentityFromStart) {
  RangeTable t({{0x100000000, 0x100000000 + 4 * MiB - 1}});
  EXPECT_EQ(t.locate(0x100000000 + 12345)->dev_offset, 12345u);
}

TEST(RangeTable, RejectsInvertedRange) {
  EXPECT_THROW(RangeTable({{10, 5}}), std::invalid_argument);
}
