// The modules a guest needs, read from a kernel's modules dir: found by name, decompressed
// (.ko.xz/.ko.zst/.ko.gz through libarchive), ordered so dependencies load first.
#pragma once
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

// `wanted` in the order the caller prefers; dependencies are pulled in ahead of them.
ModuleSelection select_modules(const std::string& modules_dir, const std::vector<std::string>& wanted);
std::string decompress_module(const std::string& path);

}  // namespace cxlrig
