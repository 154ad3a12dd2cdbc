#include "ModuleInfo.h"

#include <elf.h>

#include <cstring>
#include <functional>
#include <set>
#include <stdexcept>

namespace cxlrig {

std::string normalize_module_name(std::string_view n) {
  std::string s(n);
  for (auto& c : s)
    if (c == '-') c = '_';
  return s;
}

ModuleInfo parse_modinfo(std::string_view elf) {
  if (elf.size() < sizeof(Elf64_Ehdr) || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0 ||
      elf[EI_CLASS] != ELFCLASS64)
    throw std::runtime_error("not an ELF64 module");
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof eh);
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    size_t off = eh.e_shoff + i * eh.e_shentsize;
    if (off + sizeof sh > elf.size()) throw std::runtime_error("truncated section table");
    std::memcpy(&sh, elf.data() + off, sizeof sh);
    if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > elf.size()) throw std::runtime_error("truncated section");
    return sh;
  };
  if (eh.e_shstrndx >= eh.e_shnum) throw std::runtime_error("bad section string index");
  Elf64_Shdr strtab = section(eh.e_shstrndx);
  std::string_view names = elf.substr(strtab.sh_offset, strtab.sh_size);
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_name >= names.size()) continue;
    std::string_view nm = names.substr(sh.sh_name);
    nm = nm.substr(0, nm.find('\0'));
    if (nm != ".modinfo") continue;
    ModuleInfo info;
    std::string_view data = elf.substr(sh.sh_offset, sh.sh_size);
    // NUL-separated "key=value" strings.
    for (size_t p = 0; p < data.size();) {
      size_t end = data.find('\0', p);
      if (end == std::string_view::npos) end = data.size();
      std::string_view kv = data.substr(p, end - p);
      if (kv.starts_with("name=")) info.name = normalize_module_name(kv.substr(5));
      if (kv.starts_with("depends=")) {
        std::string_view deps = kv.substr(8);
        while (!deps.empty()) {
          size_t comma = deps.find(',');
          auto d = deps.substr(0, comma);
          if (!d.empty()) info.depends.push_back(normalize_module_name(d));
          if (comma == std::string_view::npos) break;
          deps.remove_prefix(comma + 1);
        }
      }
      p = end + 1;
    }
    return info;
  }
  throw std::runtime_error("no .modinfo section");
}

std::vector<std::string> load_order(const std::vector<std::string>& wanted,
                                    const std::map<std::string, ModuleInfo>& known) {
  std::vector<std::string> out;
  std::set<std::string> done, active;
  std::function<void(const std::string&)> visit = [&](const std::string& raw) {
    std::string n = normalize_module_name(raw);
    if (done.count(n)) return;
    auto it = known.find(n);
    if (it == known.end()) return;  // built in
    if (!active.insert(n).second) throw std::runtime_error("module dependency cycle at " + n);
    for (auto& d : it->second.depends) visit(d);
    active.erase(n);
    done.insert(n);
    out.push_back(n);
  };
  for (auto& w : wanted) visit(w);
  return out;
}

}  // namespace cxlrig
