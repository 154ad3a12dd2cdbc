// Reads a kernel module's .modinfo section (name, depends) from its ELF bytes, and orders a
// set of modules so dependencies load first. Debian 7.x packages ship no modules.dep and the
// host may have no depmod, so the rig reads the modules themselves.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cxlrig {

struct ModuleInfo {
  std::string name;
  std::vector<std::string> depends;
};

// Throws std::runtime_error if the bytes are not an ELF64 module with a .modinfo section.
ModuleInfo parse_modinfo(std::string_view elf);
// Kernel module names treat '-' and '_' alike.
std::string normalize_module_name(std::string_view name);
// Depth-first: every module after everything it depends on. `known` maps name -> info;
// names not in `known` are taken as built in. Throws on a dependency cycle.
std::vector<std::string> load_order(const std::vector<std::string>& wanted,
                                    const std::map<std::string, ModuleInfo>& known);

}  // namespace cxlrig
