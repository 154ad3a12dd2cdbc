// `cxlrig kernel info`: what a booted kernel offers the scenarios, one line per entry of the
// protocol's capability table (proto::kCapabilities). A missing one says what its checks
// turn into: the SKIP reason naming the config option, and the poison paths that need it.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

struct CapabilityLine {
  std::string key;       // "driver:fsdev_dax"
  bool present = false;  // only a JSON true counts
  std::string missing;   // the SKIP reason when absent
  std::string used_by;   // "--inject madvise, hard_offline", or ""
};

std::vector<CapabilityLine> capability_lines(const nlohmann::json& caps);
std::string render_capabilities(const std::string& kernel_release, const nlohmann::json& caps);

}  // namespace cxlrig
