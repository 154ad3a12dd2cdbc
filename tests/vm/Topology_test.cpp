// Every shipped topology boots and passes the default multi-range poison scenario, with the
// guest's CXL decoders checked against the file.
#include <gtest/gtest.h>

#include "RunHarness.h"

using namespace cxlrig::test;

namespace {
const nlohmann::json* row(const nlohmann::json& results, const std::string& id_suffix) {
  for (auto& c : results.at("checks")) {
    const std::string id = c["id"];
    if (id.size() >= id_suffix.size() && id.compare(id.size() - id_suffix.size(), id_suffix.size(), id_suffix) == 0)
      return &c;
  }
  return nullptr;
}
}  // namespace

class ShippedTopology : public ::testing::TestWithParam<const char*> {};

TEST_P(ShippedTopology, PassesTheDefaultScenario) {
  const std::string topo = GetParam();
  auto dir = fresh_out_dir("topology-" + topo);
  auto r = run_cxlrig({"run", "--topology", topo}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.results["topology"], topo);
  EXPECT_EQ(r.results["summary"]["fail"], 0) << r.output;
  // The region the guest built matches the file, decoder by decoder.
  const auto* region = row(r.results, "/topology");
  ASSERT_NE(region, nullptr) << r.output;
  EXPECT_EQ((*region)["verdict"], "PASS") << (*region).dump();
  // Device poison was read back by HPA through this topology's interleave.
  EXPECT_GE(count_rows(r.results, "fsdev_dax", "cxl", "PASS") + count_rows(r.results, "device_dax", "cxl", "PASS"), 1u)
      << r.output;
  EXPECT_GE(count_rows(r.results, "device_dax", "sigbus", "PASS"), 1u) << r.output;
  EXPECT_GE(count_rows(r.results, "fsdev_dax", "notify", "PASS"), 1u) << r.output;
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

INSTANTIATE_TEST_SUITE_P(Interleaved, ShippedTopology, ::testing::Values("vmem-2way", "vmem-2hb", "switch-4"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

// Guards: Linux DCD series (no Debian kernel up to 7.3 has it) and QEMU's DC release checks.
TEST(Dcd, SkipsWithReasonAndTheExtentShapedFallbackPasses) {
  auto dir = fresh_out_dir("topology-dcd-1");
  auto r = run_cxlrig({"run", "--scenario", "dcd-extents"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto* add = row(r.results, "dcd/add");
  ASSERT_NE(add, nullptr) << r.output;
  EXPECT_EQ((*add)["verdict"], "PASS");
  const auto* extents = row(r.results, "dcd/extents");
  ASSERT_NE(extents, nullptr);
  EXPECT_EQ((*extents)["verdict"], "SKIP");
  EXPECT_NE((*extents)["reason"].get<std::string>().find("no Linux DCD support"), std::string::npos);
  for (auto id : {"dcd/release-pending", "dcd/release-unknown"}) {
    const auto* rel = row(r.results, id);
    ASSERT_NE(rel, nullptr) << id;
    EXPECT_EQ((*rel)["verdict"], "PASS") << rel->dump();
  }
  // The fallback layout: the scenario's three extents, same offsets, poisoned and passing.
  bool fallback = false;
  for (auto& l : r.results["layouts"])
    if (l.value("dcd_fallback", false)) {
      fallback = true;
      ASSERT_EQ(l["ranges"].size(), 3u);
      const uint64_t base = r.results["capabilities"]["region"]["start"];
      EXPECT_EQ(l["ranges"][0]["start"].get<uint64_t>() - base, 256ull << 20);
      EXPECT_EQ(l["ranges"][1]["start"].get<uint64_t>() - base, 0u);
      EXPECT_EQ(l["ranges"][2]["end"].get<uint64_t>() - base + 1, 450ull << 20);
    }
  EXPECT_TRUE(fallback) << r.output;
  size_t fallback_passes = 0;
  for (auto& c : r.results["checks"])
    if (c["key"].get<std::string>().rfind("dcd-fallback/", 0) == 0 && c["driver"] == "device_dax" && c["verdict"] == "PASS")
      ++fallback_passes;
  EXPECT_GE(fallback_passes, 9u) << r.output;  // readback + 3 points x 3 extents
  EXPECT_EQ(r.results["summary"]["fail"], 0);
  EXPECT_TRUE(leftover_qemu(dir).empty());
}

// Guards: dax/fsdev multi-range offset fix, on the static-region case: the pgmap starts at
// the namespace, dev_dax->ranges[0] data_offset later; the kernel must count from the latter.
TEST(Pmem, StaticDevdaxNamespaceRowsPass) {
  auto dir = fresh_out_dir("topology-pmem-1");
  auto r = run_cxlrig({"run", "--scenario", "pmem-static"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto* region = row(r.results, "/topology");
  ASSERT_NE(region, nullptr) << r.output;
  EXPECT_EQ((*region)["verdict"], "PASS");
  const auto& ns = r.results["capabilities"]["namespace"];
  EXPECT_GT(ns["start"].get<uint64_t>(), ns["namespace_start"].get<uint64_t>()) << ns.dump();
  bool static_layout = false;
  for (auto& l : r.results["layouts"])
    if (l.value("static", false)) {
      static_layout = true;
      EXPECT_GT(l["data_offset"].get<uint64_t>(), 0u);
    }
  EXPECT_TRUE(static_layout);
  EXPECT_GE(count_rows(r.results, "fsdev_dax", "notify", "PASS"), 3u) << r.output;
  EXPECT_GE(count_rows(r.results, "device_dax", "sigbus", "PASS"), 3u) << r.output;
  EXPECT_EQ(r.results["summary"]["fail"], 0);
  EXPECT_TRUE(leftover_qemu(dir).empty());
}
