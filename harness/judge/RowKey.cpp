#include "RowKey.h"

namespace cxlrig {

namespace {
std::string base(const RowOrigin& o) { return o.prefix + "d" + std::to_string(o.device) + "/s" + std::to_string(o.seed); }
}  // namespace

std::string injection_key(const RowOrigin& o, std::optional<size_t> range, const std::string& point,
                          const std::string& path) {
  return base(o) + "/" + (range ? "r" + std::to_string(*range) : std::string("hole")) + "/" + point + "/" + path;
}

std::string device_key(const RowOrigin& o, const std::string& what) { return base(o) + "/" + what; }

}  // namespace cxlrig
