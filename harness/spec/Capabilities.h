// What a booted kernel offers, keyed by the closed capability list of the protocol
// (proto::kCapabilities): a scenario's `requires` is checked against that list when the file
// is read, and against what the guest probed when the check runs, so a typo is exit 2 and
// a missing feature is a SKIP that names the config option providing it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "AgentProtocol.h"

namespace cxlrig {

// Throws InputError naming `where` (and listing every known key) for an unknown key.
void check_capability_keys(const std::vector<std::string>& keys, const std::string& where);
std::vector<std::string> capability_keys();

struct CapabilitySet {
  std::string kernel_release;
  std::map<std::string, bool> present;

  bool has(const std::string& key) const;
  void set(const std::string& key, bool value);  // a key the table does not know is a bug: throws
  // Why the first missing key of `keys` makes a check SKIP, or "" when all are there.
  std::string unmet(const std::vector<std::string>& keys) const;
};

}  // namespace cxlrig
