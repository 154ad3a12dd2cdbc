#include "LayoutGenerator.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "InputError.h"

namespace cxlrig {

uint64_t SplitMix64::next() {
  uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t n) {
  // Rejection sampling on the top of the range removes modulo bias.
  uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % n);
  uint64_t v;
  do v = next(); while (v >= limit);
  return v % n;
}

namespace {
constexpr uint64_t kMinGranule = 2ull << 20;  // range starts must be 2 MiB aligned
constexpr uint64_t kMaxBlocksPerRange = 8;

template <class T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}
}  // namespace

namespace {
// Whole granules of the region, counted from its first aligned address.
uint64_t aligned_blocks(RegionSpan region, uint64_t granule, uint64_t* first = nullptr) {
  uint64_t start = (region.base + granule - 1) / granule * granule;
  uint64_t end = (region.base + region.size) / granule * granule;
  if (first) *first = start;
  return end > start ? (end - start) / granule : 0;
}
}  // namespace

std::vector<DeviceLayoutSpec> draw_specs(uint64_t seed, RegionSpan region, const std::vector<DeviceShape>& shapes) {
  // A stream of its own (seed ^ constant) so the positions drawn by generate_layout from
  // the same seed do not depend on how many draws the shapes took.
  SplitMix64 rng(seed ^ 0x5eed5eed5eed5eedull);
  std::vector<DeviceLayoutSpec> out;
  uint64_t total = 1;
  for (const auto& s : shapes) {
    DeviceLayoutSpec d;
    d.ranges = s.min_ranges + static_cast<unsigned>(rng.below(s.max_ranges - s.min_ranges + 1));
    d.order = s.orders.at(rng.below(s.orders.size()));
    d.align = s.aligns.at(rng.below(s.aligns.size()));
    total += d.ranges;
    out.push_back(d);
  }
  // Keep an alignment only if the whole layout still fits at that granule.
  auto fits = [&](uint64_t g) { return total * 2 - 1 <= aligned_blocks(region, std::max(g, kMinGranule)); };
  for (size_t i = 0; i < out.size(); ++i)
    if (!fits(out[i].align)) out[i].align = *std::min_element(shapes[i].aligns.begin(), shapes[i].aligns.end());
  return out;
}

Layout generate_layout(uint64_t seed, RegionSpan region,
                       const std::vector<DeviceLayoutSpec>& devices) {
  uint64_t granule = kMinGranule;
  for (const auto& d : devices) granule = std::max(granule, d.align);
  uint64_t first = 0;
  const uint64_t blocks = aligned_blocks(region, granule, &first);
  size_t total = 1;  // the hole
  for (const auto& d : devices) {
    if (d.ranges == 0) throw InputError("layout.ranges", "a device needs at least one range");
    total += d.ranges;
  }
  if (total * 2 - 1 > blocks)
    throw InputError("layout", std::to_string(total - 1) + " ranges of " +
                                   std::to_string(granule >> 20) + " MiB with gaps do not fit the " +
                                   std::to_string(blocks) + " aligned granules of a " +
                                   std::to_string(region.size >> 20) + " MiB region",
                     "fewer ranges, a smaller align, or a bigger region");

  SplitMix64 rng(seed);
  // Segment sizes in granules: small and varied, shrunk when the region is tight.
  uint64_t max_blocks = std::clamp<uint64_t>(blocks / (2 * total), 1, kMaxBlocksPerRange);
  std::vector<uint64_t> sizes(total);
  for (auto& s : sizes) s = 1 + rng.below(max_blocks);
  uint64_t used = std::accumulate(sizes.begin(), sizes.end(), uint64_t{0}) + (total - 1);
  if (used > blocks) {
    std::fill(sizes.begin(), sizes.end(), 1);
    used = 2 * total - 1;
  }
  // Spread the free granules over the total+1 gaps (before, between, after).
  uint64_t free_blocks = blocks - used;
  std::vector<uint64_t> gaps(total + 1, 0);
  for (uint64_t left = free_blocks, i = 0; left > 0 && i < 4 * total; ++i) {
    uint64_t g = rng.below(left + 1) / 2;
    gaps[rng.below(gaps.size())] += g;
    left -= g;
    if (i + 1 == 4 * total) gaps.back() += left;
  }
  // Place segments in ascending physical order.
  std::vector<PhysRange> segs;
  uint64_t at = gaps[0];
  for (size_t i = 0; i < total; ++i) {
    uint64_t start = first + at * granule;
    segs.push_back({start, start + sizes[i] * granule - 1});
    at += sizes[i] + 1 + gaps[i + 1];
  }
  // Random owner for every segment: devices in order, then the hole.
  std::vector<size_t> order(total);
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);

  Layout out;
  size_t k = 0;
  for (const auto& d : devices) {
    std::vector<PhysRange> mine;
    for (unsigned r = 0; r < d.ranges; ++r) mine.push_back(segs[order[k++]]);
    auto by_start = [](auto& a, auto& b) { return a.start < b.start; };
    if (d.order == RangeOrder::kAscending) {
      std::sort(mine.begin(), mine.end(), by_start);
    } else if (d.order == RangeOrder::kDescending) {
      std::sort(mine.begin(), mine.end(), [&](auto& a, auto& b) { return by_start(b, a); });
    } else if (mine.size() > 1 && std::is_sorted(mine.begin(), mine.end(), by_start)) {
      std::swap(mine[0], mine[1]);
    }
    out.devices.push_back({RangeTable(std::move(mine)), d.align, d.order});
  }
  out.hole = segs[order[k]];
  return out;
}

}  // namespace cxlrig
