#include "DcdPlan.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;

namespace {
Topology dcd1() { return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/dcd-1.json"); }
DcdSpec three() {
  DcdSpec s;
  s.extents = {{256ull << 20, 64ull << 20}, {0, 128ull << 20}, {448ull << 20, 2ull << 20}};
  return s;
}
}  // namespace

TEST(DcdPlan, RegionSizeSplitsTheBackend) {
  auto t = dcd1();
  EXPECT_EQ(dc_region_size(t, t.type3[0]), 512ull << 20);
}

TEST(DcdPlan, ExtentsMustFitNamingTheExtent) {
  auto t = dcd1();
  auto s = three();
  EXPECT_NO_THROW(check_dcd_fits(s, t, t.type3[0], 2ull << 30));
  s.extents.push_back({510ull << 20, 4ull << 20});
  try {
    check_dcd_fits(s, t, t.type3[0], 2ull << 30);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "dcd.extents[3]");
  }
  s = three();
  s.extents.push_back({300ull << 20, 2ull << 20});  // inside extents[0]
  EXPECT_THROW(check_dcd_fits(s, t, t.type3[0], 2ull << 30), InputError);
  s = three();
  s.region = 2;
  EXPECT_THROW(check_dcd_fits(s, t, t.type3[0], 2ull << 30), InputError);
  EXPECT_THROW(check_dcd_fits(three(), t, t.type3[0], 256ull << 20), InputError);  // fallback region too small
}

TEST(DcdPlan, QmpArgumentsFollowTheSchema) {
  auto a = dcd_add_args(three(), "/machine/peripheral/d");
  EXPECT_EQ(a["selection-policy"], "prescriptive");
  EXPECT_EQ(a["extents"][1]["len"], 128ull << 20);
  EXPECT_FALSE(a.contains("tag"));
  auto r = dcd_release_args(three(), "/p", {{0, 2ull << 20}});
  EXPECT_EQ(r["removal-policy"], "prescriptive");
  EXPECT_EQ(r["extents"].size(), 1u);
}

TEST(DcdPlan, UnusedBlockAvoidsEveryExtent) {
  auto u = dcd_unused_block(three(), 512ull << 20);
  EXPECT_EQ(u.offset, 510ull << 20);
  DcdSpec full;
  full.extents = {{0, 512ull << 20}};
  EXPECT_EQ(dcd_unused_block(full, 512ull << 20).len, 0u);
}

TEST(DcdPlan, FallbackLayoutKeepsOffsetsAndWriteOrder) {
  auto l = extent_layout(three(), {0x400000000ull, 2ull << 30});
  ASSERT_EQ(l.devices.size(), 1u);
  const auto& r = l.devices[0].table.ranges();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].start, 0x400000000ull + (256ull << 20));
  EXPECT_EQ(r[1].start, 0x400000000ull);
  EXPECT_EQ(r[2].end, 0x400000000ull + (450ull << 20) - 1);
  EXPECT_EQ(l.devices[0].table.page_offset(1), (64ull << 20) / 4096);
  EXPECT_EQ(l.devices[0].order, RangeOrder::kShuffled);
}
