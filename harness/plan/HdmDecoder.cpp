#include "HdmDecoder.h"

namespace cxlrig {

std::optional<DpaHit> hpa_to_dpa(const RegionGeometry& g, uint64_t hpa) {
  if (g.ways == 0 || g.granularity == 0 || hpa < g.base || hpa - g.base >= g.size) return std::nullopt;
  const uint64_t off = hpa - g.base;
  const uint64_t chunk = off / g.granularity;
  return DpaHit{static_cast<unsigned>(chunk % g.ways), (chunk / g.ways) * g.granularity + off % g.granularity};
}

std::optional<uint64_t> dpa_to_hpa(const RegionGeometry& g, unsigned position, uint64_t dpa_offset) {
  if (g.ways == 0 || g.granularity == 0 || position >= g.ways) return std::nullopt;
  const uint64_t chunk = (dpa_offset / g.granularity) * g.ways + position;
  const uint64_t off = chunk * g.granularity + dpa_offset % g.granularity;
  if (off >= g.size) return std::nullopt;
  return g.base + off;
}

}  // namespace cxlrig
