#include "ModuleSet.h"

#include <filesystem>
#include <map>

#include "Decompress.h"
#include "InputError.h"
#include "ModuleInfo.h"

namespace fs = std::filesystem;

namespace cxlrig {

namespace {
std::string module_name_of(const fs::path& p) {
  std::string f = p.filename().string();
  auto dot = f.find(".ko");
  return dot == std::string::npos ? std::string() : normalize_module_name(f.substr(0, dot));
}
}  // namespace

ModuleIndex::ModuleIndex(const std::string& modules_dir) {
  if (!modules_dir.empty())
    for (auto& e : fs::recursive_directory_iterator(modules_dir))
      if (e.is_regular_file())
        if (auto n = module_name_of(e.path()); !n.empty()) files_.emplace(n, e.path().string());
}

ModuleSelection ModuleIndex::select(const std::vector<std::string>& wanted) const {
  ModuleSelection sel;
  const auto& files = files_;

  // Read modinfo for the transitive closure of what is wanted.
  std::map<std::string, ModuleInfo> known;
  std::map<std::string, std::string> bytes;
  std::vector<std::string> todo;
  for (auto& w : wanted) todo.push_back(normalize_module_name(w));
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    if (known.count(n)) continue;
    auto f = files.find(n);
    if (f == files.end()) continue;
    bytes[n] = decompress_file(f->second, "module " + f->second);
    try {
      known[n] = parse_modinfo(bytes[n]);
    } catch (const std::exception& e) {
      throw InfraError("module " + f->second + ": " + e.what());
    }
    for (auto& d : known[n].depends) todo.push_back(d);
  }
  for (auto& w : wanted)
    if (!files.count(normalize_module_name(w))) sel.missing.push_back(normalize_module_name(w));
  for (auto& n : load_order(wanted, known)) sel.ordered.push_back({n, std::move(bytes[n])});
  return sel;
}

}  // namespace cxlrig
