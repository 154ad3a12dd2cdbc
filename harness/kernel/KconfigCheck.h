// Did the requested Kconfig options stick? Pure: the fragments, the .config that
// merge_config.sh + olddefconfig produced and the tree's Kconfig definitions go in; one
// verdict per requested option comes out, with the unmet dependencies where one did not.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cxlrig {

// CONFIG_X=v lines and "# CONFIG_X is not set" (as "n"), by symbol name without CONFIG_.
std::map<std::string, std::string> parse_kconfig_values(const std::string& text);

// The tree's `config`/`menuconfig` entries: symbol -> its `depends on` expressions (all
// definitions of a symbol merged; arch Kconfigs define some more than once).
using KconfigIndex = std::map<std::string, std::vector<std::string>>;
void index_kconfig_file(const std::string& text, KconfigIndex& index);

struct KconfigVerdict {
  enum Kind { kStuck, kAbsentFromTree, kNotStuck } kind;
  std::string option;  // without CONFIG_
  std::string wanted;
  std::string got;     // "n" when not set
  std::string reason;  // kNotStuck: the unmet dependencies; kAbsentFromTree: why that is fine
};

std::vector<KconfigVerdict> check_kconfig(const std::map<std::string, std::string>& requested,
                                          const std::map<std::string, std::string>& final_config,
                                          const KconfigIndex& index);

// "CXL_REGION (wanted y, got n): depends on ..." lines for the options that did not stick.
std::string describe_not_stuck(const std::vector<KconfigVerdict>& verdicts);

}  // namespace cxlrig
