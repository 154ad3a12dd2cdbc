#include "RacePlan.h"

#include "InputError.h"

namespace cxlrig {

uint64_t RacePlan::size() const {
  uint64_t s = 0;
  for (auto& r : base) s += r.size();
  return s;
}

RacePlan plan_race(const RaceSpec& spec, uint64_t region_base, uint64_t region_size, const std::string& where) {
  const uint64_t size = spec.range_size;
  const uint64_t first = (region_base + size - 1) / size * size;  // range starts are size-aligned
  const uint64_t end = region_base + region_size;                 // exclusive
  const uint64_t slots = first < end ? (end - first) / size : 0;
  // The base ranges take every other slot (so a grow has a hole between them to fill), and
  // a grow needs at least one free slot after them.
  if (slots < 2ull * spec.ranges + 1)
    throw InputError(where + ".ranges", std::to_string(spec.ranges) + " ranges of " + std::to_string(size >> 20) +
                                            " MiB, one apart, and one to grow into need " +
                                            std::to_string((2 * spec.ranges + 1) * (size >> 20)) +
                                            " MiB of the region; it has " + std::to_string((slots * size) >> 20),
                     "use fewer or smaller ranges, or a topology with a larger region");
  RacePlan p;
  for (uint64_t i = 0; i < slots; ++i) {
    const PhysRange r{first + i * size, first + (i + 1) * size - 1};
    if (i % 2 == 0 && i / 2 < spec.ranges) p.base.push_back(r);
    else if (p.grow.size() < kMaxGrow) p.grow.push_back(r);
  }
  for (auto& r : p.base)
    for (uint64_t a = r.start; a <= r.end && p.pfns.size() < kMaxPfns; a += 4096) p.pfns.push_back(a / 4096);
  return p;
}

}  // namespace cxlrig
