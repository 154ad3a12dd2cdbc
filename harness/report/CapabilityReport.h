// `cxlrig kernel info`: what a booted kernel offers the scenarios, from the capabilities
// the agent and the rig found (driver:*, poison:*, kprobe:*, cxl:dcd, kasan, ...). Each line
// names what a missing capability turns into a SKIP. Pure.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

struct CapabilityLine {
  std::string name;     // "fsdev_dax"
  bool present = false;
  std::string gates;    // what needs it
};

std::vector<CapabilityLine> capability_lines(const nlohmann::json& caps);
std::string render_capabilities(const std::string& kernel_release, const nlohmann::json& caps);

}  // namespace cxlrig
