// The deterministic reconfiguration check on Debian's packaged 7.3.4 (the locked default):
// a `mapping` write on a bound device is taken, and what follows oopses. The rig must find
// it, title it, exit 1, and keep both guests' artifacts.
#include <gtest/gtest.h>

#include "RunHarness.h"

using namespace cxlrig::test;

namespace {
const nlohmann::json* check(const nlohmann::json& results, const std::string& key) {
  for (auto& c : results.at("checks"))
    if (c["key"] == key) return &c;
  return nullptr;
}
}  // namespace

// Guards: dax/bus: mapping_store() -> alloc_dev_dax_range() has no dev->driver check, while
// size_store() -> dev_dax_resize() returns -EBUSY (Debian linux-source 7.3.4).
TEST(Reconfig, MappingWhileBoundOnDebian73IsTakenAndOopses) {
  auto dir = fresh_out_dir("reconfig-7.3");
  auto r = run_cxlrig({"run", "--scenario", "mapping-while-bound"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const std::string drv : {"device_dax", "fsdev_dax"}) {
    const auto* size = check(r.results, "reconfig/" + drv + "/size-while-bound");
    ASSERT_NE(size, nullptr) << drv << "\n" << r.output;
    EXPECT_EQ((*size)["verdict"], "PASS") << drv << ": a size write on a bound device is refused (EBUSY)";
    const auto* mapping = check(r.results, "reconfig/" + drv + "/mapping-while-bound");
    ASSERT_NE(mapping, nullptr) << drv;
    EXPECT_EQ((*mapping)["verdict"], "FAIL") << drv;
    EXPECT_NE((*mapping)["reason"].get<std::string>().find("took a `mapping` write"), std::string::npos) << drv;
  }
  const auto* touch = check(r.results, "reconfig/device_dax/touch-new-range");
  ASSERT_NE(touch, nullptr) << r.output;
  EXPECT_EQ((*touch)["verdict"], "FAIL");
  EXPECT_NE((*touch)["reason"].get<std::string>().find("in dax_set_mapping"), std::string::npos) << (*touch)["reason"];
  const auto* unbind = check(r.results, "reconfig/fsdev_dax/unbind-after-growth");
  ASSERT_NE(unbind, nullptr) << r.output;
  EXPECT_EQ((*unbind)["verdict"], "FAIL");
  EXPECT_NE((*unbind)["reason"].get<std::string>().find("in fsdev_clear_folio_state"), std::string::npos)
      << (*unbind)["reason"];
  EXPECT_GE(r.results["splats"].size(), 2u);
  for (auto g : {"guest-0", "guest-1"}) {
    for (auto a : {"console.log", "agent.log", "qemu.cmdline"}) EXPECT_TRUE(r.has(std::string(g) + "/" + a)) << g << "/" << a;
    EXPECT_TRUE(leftover_qemu(dir + "/" + g).empty()) << g;
  }
}
