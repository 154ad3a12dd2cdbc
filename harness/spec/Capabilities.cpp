#include "Capabilities.h"

#include <stdexcept>

#include "InputError.h"

namespace cxlrig {

std::vector<std::string> capability_keys() {
  std::vector<std::string> v;
  for (auto& c : proto::kCapabilities) v.push_back(c.key);
  return v;
}

void check_capability_keys(const std::vector<std::string>& keys, const std::string& where) {
  for (size_t i = 0; i < keys.size(); ++i)
    if (!proto::find_capability(keys[i])) {
      std::string known;
      for (auto& k : capability_keys()) known += (known.empty() ? "" : ", ") + k;
      throw InputError(where + "[" + std::to_string(i) + "]", "unknown capability \"" + keys[i] + "\"",
                       "use one of: " + known);
    }
}

bool CapabilitySet::has(const std::string& key) const {
  auto it = present.find(key);
  return it != present.end() && it->second;
}

void CapabilitySet::set(const std::string& key, bool value) {
  if (!proto::find_capability(key)) throw std::logic_error("capability \"" + key + "\" is not in proto::kCapabilities");
  present[key] = value;
}

std::string CapabilitySet::unmet(const std::vector<std::string>& keys) const {
  for (auto& k : keys) {
    if (has(k)) continue;
    const proto::Capability* c = proto::find_capability(k);
    return "requires " + k + ", which kernel " + (kernel_release.empty() ? "?" : kernel_release) +
           " does not offer: " + (c ? c->missing : "unknown capability");
  }
  return {};
}

}  // namespace cxlrig
