#include "ModuleInfo.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>

using namespace cxlrig;

namespace {
// A minimal ELF64 with .shstrtab and .modinfo, as a kernel module carries them.
std::string fake_module(const std::string& modinfo) {
  std::string shstr = std::string("\0.shstrtab\0.modinfo\0", 20);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 1;
  std::string body = shstr + modinfo;
  eh.e_shoff = sizeof eh + body.size();
  Elf64_Shdr sh[3]{};
  sh[1].sh_name = 1;
  sh[1].sh_type = SHT_STRTAB;
  sh[1].sh_offset = sizeof eh;
  sh[1].sh_size = shstr.size();
  sh[2].sh_name = 11;
  sh[2].sh_type = SHT_PROGBITS;
  sh[2].sh_offset = sizeof eh + shstr.size();
  sh[2].sh_size = modinfo.size();
  std::string out(reinterpret_cast<char*>(&eh), sizeof eh);
  out += body;
  out.append(reinterpret_cast<char*>(sh), sizeof sh);
  return out;
}
}  // namespace

TEST(ModuleInfo, ReadsNameAndDepends) {
  auto m = parse_modinfo(fake_module(std::string("license=GPL\0depends=cxl_pmem,dax-hmem\0name=cxl_acpi\0", 51)));
  EXPECT_EQ(m.name, "cxl_acpi");
  ASSERT_EQ(m.depends.size(), 2u);
  EXPECT_EQ(m.depends[1], "dax_hmem");
}

TEST(ModuleInfo, EmptyDependsAndGarbage) {
  auto m = parse_modinfo(fake_module(std::string("depends=\0name=device_dax\0", 25)));
  EXPECT_TRUE(m.depends.empty());
  EXPECT_THROW(parse_modinfo("not an elf"), std::runtime_error);
}

TEST(ModuleInfo, LoadOrderPutsDependenciesFirstAndSkipsBuiltins) {
  std::map<std::string, ModuleInfo> known = {
      {"cxl_acpi", {"cxl_acpi", {"cxl_pmem", "cxl_core"}}}, {"cxl_pmem", {"cxl_pmem", {"libnvdimm"}}},
      {"libnvdimm", {"libnvdimm", {}}},                      {"dax_cxl", {"dax_cxl", {"dax_hmem"}}},
      {"dax_hmem", {"dax_hmem", {}}},                        {"hwpoison_inject", {"hwpoison_inject", {}}}};
  auto order = load_order({"cxl_acpi", "dax_cxl", "hwpoison-inject", "cxl_acpi"}, known);
  EXPECT_EQ(order, (std::vector<std::string>{"libnvdimm", "cxl_pmem", "cxl_acpi", "dax_hmem", "dax_cxl", "hwpoison_inject"}));
}

TEST(ModuleInfo, CycleIsAnError) {
  std::map<std::string, ModuleInfo> known = {{"a", {"a", {"b"}}}, {"b", {"b", {"a"}}}};
  EXPECT_THROW(load_order({"a"}, known), std::runtime_error);
}
