#include "LayoutGenerator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "InputError.h"

using namespace cxlrig;

namespace {
constexpr uint64_t MiB = 1ull << 20;
const RegionSpan k512{0x3d0000000, 512 * MiB};

void expect_valid(const Layout& l, RegionSpan region) {
  std::vector<PhysRange> all;
  for (auto& d : l.devices)
    for (auto& r : d.table.ranges()) all.push_back(r);
  all.push_back(l.hole);
  for (auto& r : all) {
    EXPECT_EQ(r.start % (2 * MiB), 0u);
    EXPECT_EQ(r.size() % (2 * MiB), 0u);
    EXPECT_GE(r.start, region.base);
    EXPECT_LE(r.end, region.base + region.size - 1);
  }
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.start < b.start; });
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].end + 1, all[i].start) << i;
}
}  // namespace

TEST(LayoutGenerator, SameSeedSameLayout) {
  auto a = generate_layout(42, k512, {{3}, {3}});
  auto b = generate_layout(42, k512, {{3}, {3}});
  ASSERT_EQ(a.devices.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(a.devices[i].table.ranges(), b.devices[i].table.ranges());
  EXPECT_EQ(a.hole, b.hole);
}

TEST(LayoutGenerator, PinnedLayoutForSeedOne) {
  // Guards reproducibility across machines and compilers: a seed printed by a failing
  // nightly must rebuild the same layout anywhere.
  auto l = generate_layout(1, k512, {{3}});
  auto again = generate_layout(1, k512, {{3}});
  EXPECT_EQ(l.devices[0].table.ranges(), again.devices[0].table.ranges());
  SplitMix64 r(1);
  EXPECT_EQ(r.next(), 0x910a2dec89025cc1ull);  // SplitMix64 reference output for seed 1
}

TEST(LayoutGenerator, DifferentSeedsDiffer) {
  auto a = generate_layout(1, k512, {{3}, {3}});
  auto b = generate_layout(2, k512, {{3}, {3}});
  EXPECT_NE(a.devices[0].table.ranges(), b.devices[0].table.ranges());
}

TEST(LayoutGenerator, DisjointAlignedInsideRegionWithGaps) {
  for (uint64_t seed = 0; seed < 200; ++seed) expect_valid(generate_layout(seed, k512, {{3}, {3}}), k512);
}

TEST(LayoutGenerator, MultiRangeIsNeverAscending) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    auto l = generate_layout(seed, k512, {{3}, {2}});
    for (auto& d : l.devices) {
      auto& r = d.table.ranges();
      EXPECT_FALSE(std::is_sorted(r.begin(), r.end(), [](auto& a, auto& b) { return a.start < b.start; }))
          << "seed " << seed;
    }
  }
}

TEST(LayoutGenerator, ManyRangesFillTightRegion) {
  auto l = generate_layout(7, k512, {{127}});
  EXPECT_EQ(l.devices[0].table.count(), 127u);
  expect_valid(l, k512);
}

TEST(LayoutGenerator, TooManyRangesIsAnInputError) {
  EXPECT_THROW(generate_layout(7, k512, {{128}}), InputError);
  EXPECT_THROW(generate_layout(7, k512, {{0}}), InputError);
}

TEST(LayoutGenerator, LargeAlignUsesLargeGranule) {
  RegionSpan r{0x400000000, 8192 * MiB};
  auto l = generate_layout(3, r, {{2, 1024 * MiB}});
  for (auto& x : l.devices[0].table.ranges()) EXPECT_EQ(x.start % (1024 * MiB), 0u);
}

TEST(SplitMix64, BelowStaysInBounds) {
  SplitMix64 r(9);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(r.below(3), 3u);
}

TEST(LayoutGenerator, OrdersAreHonoured) {
  RegionSpan r{0x3d0000000, 4096 * MiB};
  auto by_start = [](auto& a, auto& b) { return a.start < b.start; };
  for (uint64_t seed = 1; seed < 30; ++seed) {
    auto l = generate_layout(seed, r, {{5, 4096, RangeOrder::kAscending}, {5, 4096, RangeOrder::kDescending}});
    auto& a = l.devices[0].table.ranges();
    auto& d = l.devices[1].table.ranges();
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end(), by_start));
    EXPECT_TRUE(std::is_sorted(d.rbegin(), d.rend(), by_start));
    expect_valid(l, r);
  }
}

TEST(LayoutGenerator, UnalignedRegionBaseUsesItsAlignedPart) {
  // QEMU's window puts the region at 0x3d0000000: 256 MiB aligned, not 1 GiB.
  RegionSpan r{0x3d0000000, 4096 * MiB};
  auto l = generate_layout(5, r, {{1, 1024 * MiB}});
  for (auto& x : l.devices[0].table.ranges()) {
    EXPECT_EQ(x.start % (1024 * MiB), 0u);
    EXPECT_GE(x.start, r.base);
    EXPECT_LE(x.end, r.base + r.size - 1);
  }
  EXPECT_THROW(generate_layout(5, r, {{2, 1024 * MiB}}), InputError);  // 5 aligned GiB needed, 3 there
}

TEST(LayoutGenerator, DrawSpecsStaysInTheShapeAndDropsAlignsThatDoNotFit) {
  RegionSpan r{0x3d0000000, 4096 * MiB};
  DeviceShape s{1, 6, {4096, 2 * MiB, 1024 * MiB}, {RangeOrder::kShuffled, RangeOrder::kAscending}};
  std::set<uint64_t> aligns;
  std::set<unsigned> counts;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    auto specs = draw_specs(seed, r, {s, s});
    for (auto& d : specs) {
      EXPECT_GE(d.ranges, 1u);
      EXPECT_LE(d.ranges, 6u);
      EXPECT_NE(d.order, RangeOrder::kDescending);
      aligns.insert(d.align);
      counts.insert(d.ranges);
    }
    // A 1 GiB align never fits two devices plus the hole in 3 aligned GiB.
    for (auto& d : specs) EXPECT_NE(d.align, 1024 * MiB);
    EXPECT_NO_THROW(generate_layout(seed, r, specs));
    EXPECT_EQ(draw_specs(seed, r, {s, s})[0].ranges, specs[0].ranges) << "same seed, same draw";
  }
  EXPECT_EQ(aligns.size(), 2u);
  EXPECT_EQ(counts.size(), 6u);
  // One device with one range can take 1 GiB: the draw keeps it sometimes.
  std::set<uint64_t> one;
  for (uint64_t seed = 0; seed < 200; ++seed) one.insert(draw_specs(seed, r, {{1, 1, s.aligns, s.orders}})[0].align);
  EXPECT_TRUE(one.count(1024 * MiB));
}
