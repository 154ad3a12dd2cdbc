// The modules a guest needs, read from a kernel's modules dir: found by name, decompressed
// (.ko.xz/.ko.zst/.ko.gz through libarchive), ordered so dependencies load first.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cxlrig {

struct GuestModule {
  std::string name;   // normalized: dax_cxl
  std::string bytes;  // decompressed .ko
};

struct ModuleSelection {
  std::vector<GuestModule> ordered;   // load in this order
  std::vector<std::string> missing;   // wanted but not found as files: built in, or absent
};

// Every module file under a kernel's modules dir, by name; walked once per kernel.
class ModuleIndex {
 public:
  explicit ModuleIndex(const std::string& modules_dir);  // "" for a kernel with everything built in
  // `wanted` in the order the caller prefers; dependencies are pulled in ahead of them.
  ModuleSelection select(const std::vector<std::string>& wanted) const;
 private:
  std::map<std::string, std::string> files_;  // normalized name -> path
};

}  // namespace cxlrig
