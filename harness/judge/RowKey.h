// A check row's stable key: built from what the rig asked for (the scenario's device
// index, the layout seed, the range index, the point, the path), never from names the
// kernel assigns (dax0.1, region0), so the nightly matrix can match a row across kernels,
// topologies and nights. "d1/s4242/r2/last/mce_ar", "d0/s1/hole/outside/hard_offline",
// "d0/s1/readback", "region0/topology", "dcd/release-pending".
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace cxlrig {

struct RowOrigin {
  std::string prefix;  // a sub-flow's own rows ("dcd-fallback/"), or ""
  size_t device = 0;   // index into the scenario's devices
  uint64_t seed = 0;   // the layout's seed
};

std::string injection_key(const RowOrigin& o, std::optional<size_t> range, const std::string& point,
                          const std::string& path);
// A per-device row that is not an injection: "readback", "setup/dax_bind".
std::string device_key(const RowOrigin& o, const std::string& what);

}  // namespace cxlrig
