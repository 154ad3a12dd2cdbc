#include "CapabilityReport.h"

#include <algorithm>
#include <sstream>

#include "AgentProtocol.h"
#include "PoisonPath.h"

namespace cxlrig {

std::vector<CapabilityLine> capability_lines(const nlohmann::json& caps) {
  std::vector<CapabilityLine> out;
  for (auto& c : proto::kCapabilities) {
    CapabilityLine l{c.key, false, c.missing, ""};
    auto it = caps.find(c.key);
    l.present = it != caps.end() && it->is_boolean() && it->get<bool>();
    for (auto p : all_poison_paths()) {
      const auto& req = traits(p).requires_;
      if (std::find(req.begin(), req.end(), l.key) != req.end())
        l.used_by += (l.used_by.empty() ? "--inject " : ", ") + std::string(to_string(p));
    }
    out.push_back(l);
  }
  return out;
}

std::string render_capabilities(const std::string& kernel_release, const nlohmann::json& caps) {
  std::ostringstream out;
  out << "kernel " << kernel_release << "\n";
  size_t w = 0;
  const auto lines = capability_lines(caps);
  for (auto& l : lines) w = std::max(w, l.key.size());
  for (auto& l : lines) {
    out << "  " << l.key << std::string(w - l.key.size() + 2, ' ') << (l.present ? "yes" : "no ");
    if (!l.present) out << "  SKIP: " << l.missing << (l.used_by.empty() ? "" : " (" + l.used_by + ")");
    out << "\n";
  }
  return out.str();
}

}  // namespace cxlrig
