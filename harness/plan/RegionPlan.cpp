#include "RegionPlan.h"

#include <algorithm>

#include "InputError.h"
#include "LayoutGenerator.h"

namespace cxlrig {

namespace {
constexpr uint64_t kRegionAlign = 256ull << 20;  // the kernel sizes regions in 256 MiB x ways
}

RegionPlan plan_region(const Topology& t, size_t ri) {
  const RegionSpec& r = t.regions.at(ri);
  const FixedWindow& w = t.windows.at(r.window);
  const std::string where = t.name + ".regions[" + std::to_string(ri) + "].memdevs";
  RegionPlan p;
  p.index = ri;
  p.mode = r.mode;
  p.window = r.window;
  p.granularity = r.granularity;
  p.root_ways = static_cast<unsigned>(w.targets.size());
  p.root_granularity = w.granularity.value_or(256);
  const size_t ways = r.memdev_serials.size();

  // bridge -> root port -> devices, each list in the order the file names them.
  std::map<std::string, std::vector<std::string>> ports_of;
  std::map<std::string, std::vector<uint64_t>> devices_of;
  for (auto s : r.memdev_serials) {
    const Type3Device* d = t.device_by_serial(s);
    const RootPort* rp = t.root_port_of(*d);
    auto& ports = ports_of[rp->bus];
    if (std::find(ports.begin(), ports.end(), rp->id) == ports.end()) ports.push_back(rp->id);
    devices_of[rp->id].push_back(s);
    if (auto* sw = t.switch_of(d->bus)) ++p.switch_ways[sw->id];
  }
  const size_t per_bridge = ways / p.root_ways;
  for (auto& hb : w.targets) {
    auto& ports = ports_of[hb];
    size_t n = 0;
    for (auto& rp : ports) n += devices_of[rp].size();
    if (n != per_bridge)
      throw InputError(where, "host bridge \"" + hb + "\" has " + std::to_string(n) + " of the region's devices, but a " +
                                  std::to_string(ways) + "-way region over a " + std::to_string(p.root_ways) +
                                  "-bridge window needs " + std::to_string(per_bridge) + " under each");
    for (auto& rp : ports)
      if (devices_of[rp].size() * ports.size() != per_bridge)
        throw InputError(where, "root ports under \"" + hb + "\" carry unequal numbers of the region's devices",
                         "give each root port of a bridge the same number of devices");
    p.bridge_ways[hb] = static_cast<unsigned>(ports.size());
  }
  p.serials.resize(ways);
  for (size_t pos = 0; pos < ways; ++pos) {
    const auto& hb = w.targets[pos % p.root_ways];
    const size_t q = pos / p.root_ways;
    const auto& ports = ports_of[hb];
    const auto& devs = devices_of[ports[q % ports.size()]];
    p.serials[pos] = devs[q / ports.size()];
  }

  uint64_t smallest = UINT64_MAX;
  for (auto s : r.memdev_serials) smallest = std::min(smallest, t.partition_size(*t.device_by_serial(s), r.mode));
  p.per_device = std::min(smallest, w.size / ways) / kRegionAlign * kRegionAlign;
  if (p.per_device == 0)
    throw InputError(where, "each device must give the region at least 256 MiB", "grow the backends or the window");
  p.size = p.per_device * ways;
  return p;
}

std::string uuid_from_seed(uint64_t seed, uint64_t salt) {
  SplitMix64 rng(seed ^ (0x9e3779b97f4a7c15ull * (salt + 1)));
  uint64_t hi = rng.next(), lo = rng.next();
  hi = (hi & ~0xf000ull) | 0x4000ull;                        // version 4
  lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);        // RFC 4122 variant
  char b[40];
  snprintf(b, sizeof b, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
           (unsigned long long)((hi >> 16) & 0xffff), (unsigned long long)(hi & 0xffff),
           (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffull));
  return b;
}

}  // namespace cxlrig
