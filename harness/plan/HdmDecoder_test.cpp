#include "HdmDecoder.h"

#include <gtest/gtest.h>

namespace cxlrig {

TEST(HdmDecoder, OneWayIsAnOffset) {
  RegionGeometry g{0x3d0000000, 512ull << 20, 1, 256};
  auto h = hpa_to_dpa(g, 0x3d0201000);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->position, 0u);
  EXPECT_EQ(h->dpa_offset, 0x201000u);
  EXPECT_EQ(dpa_to_hpa(g, 0, 0x201000), 0x3d0201000u);
  EXPECT_FALSE(hpa_to_dpa(g, 0x3d0000000 + (512ull << 20)));
  EXPECT_FALSE(hpa_to_dpa(g, 0x3cfffffff));
}

TEST(HdmDecoder, TwoWayAlternatesChunks) {
  RegionGeometry g{0x10000000, 1ull << 30, 2, 4096};
  EXPECT_EQ(hpa_to_dpa(g, 0x10000000)->position, 0u);
  EXPECT_EQ(hpa_to_dpa(g, 0x10001000)->position, 1u);
  EXPECT_EQ(hpa_to_dpa(g, 0x10001000)->dpa_offset, 0u);
  EXPECT_EQ(hpa_to_dpa(g, 0x10002010)->position, 0u);
  EXPECT_EQ(hpa_to_dpa(g, 0x10002010)->dpa_offset, 0x1010u);
}

TEST(HdmDecoder, RoundTripsEveryWayCount) {
  for (unsigned ways : {1u, 2u, 3u, 4u, 6u, 8u, 12u, 16u})
    for (uint64_t gran : {256ull, 4096ull, 16384ull}) {
      RegionGeometry g{0x4000000000ull, uint64_t{ways} << 28, ways, gran};
      for (uint64_t off = 0; off < g.size; off += g.size / 97 + 64) {
        auto h = hpa_to_dpa(g, g.base + off);
        ASSERT_TRUE(h);
        EXPECT_EQ(dpa_to_hpa(g, h->position, h->dpa_offset), g.base + off) << ways << "x" << gran;
      }
      EXPECT_FALSE(dpa_to_hpa(g, ways, 0));
    }
}

}  // namespace cxlrig
