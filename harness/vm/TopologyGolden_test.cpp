// Golden files per shipped topology (libvirt's qemuxmlconfdata model): the exact QEMU argv
// and libvirt domain XML each one produces, so any change to what the guest is started
// with shows up as a diff to review. CXLRIG_UPDATE_GOLDEN=1 rewrites them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "LibvirtDomain.h"
#include "QemuCommand.h"

using namespace cxlrig;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void check_golden(const fs::path& file, const std::string& got) {
  if (const char* u = std::getenv("CXLRIG_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(file, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file << " is missing: run with CXLRIG_UPDATE_GOLDEN=1 and review the new file";
  EXPECT_EQ(slurp(file), got) << file << " differs: if the change is meant, rerun with CXLRIG_UPDATE_GOLDEN=1";
}

std::vector<fs::path> shipped() {
  std::vector<fs::path> v;
  for (auto& e : fs::directory_iterator(std::string(CXLRIG_DATA_DIR) + "/qemu-configs"))
    if (e.path().extension() == ".json") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST(TopologyGolden, QemuArgvOfEveryShippedTopology) {
  size_t n = 0;
  for (auto& f : shipped()) {
    const Topology t = load_topology_file(f.string());
    const auto argv = build_qemu_argv("qemu-system-x86_64", t, {"/k/bzImage", "/k/initrd.cpio", kernel_cmdline(t), "/run/s"},
                                      {"/run/s/qmp", "/run/s/con", "/run/s/agent"}, Accel::kTcg);
    std::string text;
    for (auto& a : argv) text += a + "\n";
    check_golden(std::string(CXLRIG_TEST_DATA) + "/golden/" + t.name + ".args", text);
    ++n;
  }
  EXPECT_GE(n, 6u);
}

TEST(TopologyGolden, LibvirtXmlOfEveryShippedTopology) {
  for (auto& f : shipped()) {
    const Topology t = load_topology_file(f.string());
    const std::string xml = libvirt_domain_xml(t, {"/k/bzImage", "/k/initrd.cpio", kernel_cmdline(t), "/run/s"},
                                               {"/run/s/con", "/run/s/agent"}, Accel::kTcg, "cxlrig-golden",
                                               "/usr/bin/qemu-system-x86_64");
    check_golden(std::string(CXLRIG_TEST_DATA) + "/golden/" + t.name + ".xml", xml);
  }
}
