#include "RegionPlan.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;

namespace {
Topology load(const std::string& name) {
  return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/" + name + ".json");
}
}  // namespace

TEST(RegionPlan, OneDevicePassesThrough) {
  auto p = plan_region(load("vmem-1"), 0);
  EXPECT_EQ(p.serials, (std::vector<uint64_t>{1}));
  EXPECT_EQ(p.root_ways, 1u);
  EXPECT_EQ(p.bridge_ways.at("cxl.1"), 1u);
  EXPECT_EQ(p.size, 4ull << 30);
}

TEST(RegionPlan, TwoWayUnderOneBridgeInterleavesItsRootPorts) {
  auto p = plan_region(load("vmem-2way"), 0);
  EXPECT_EQ(p.serials, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(p.root_ways, 1u);
  EXPECT_EQ(p.bridge_ways.at("cxl.1"), 2u);
  EXPECT_EQ(p.per_device, 2ull << 30);
  EXPECT_EQ(p.size, 4ull << 30);
}

TEST(RegionPlan, TwoBridgesTakePositionsInWindowTargetOrder) {
  auto t = load("vmem-2hb");
  std::swap(t.windows[0].targets[0], t.windows[0].targets[1]);  // cxl.2 decodes position 0
  auto p = plan_region(t, 0);
  EXPECT_EQ(p.serials, (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(p.root_ways, 2u);
  EXPECT_EQ(p.bridge_ways.at("cxl.1"), 1u);
  EXPECT_EQ(p.bridge_ways.at("cxl.2"), 1u);
}

TEST(RegionPlan, SwitchInterleavesItsDevices) {
  auto p = plan_region(load("switch-4"), 0);
  EXPECT_EQ(p.serials.size(), 4u);
  EXPECT_EQ(p.bridge_ways.at("cxl.1"), 1u);
  EXPECT_EQ(p.switch_ways.at("us0"), 4u);
  EXPECT_EQ(p.size, 4ull << 30);
}

TEST(RegionPlan, PersistentRegionUsesThePersistentPartition) {
  auto p = plan_region(load("pmem-1"), 0);
  EXPECT_EQ(p.mode, "pmem");
  EXPECT_EQ(p.size, 1ull << 30);
}

TEST(RegionPlan, TwoBridgesTwoPortsEachAlternateAtEveryLevel) {
  auto t = load("vmem-2hb");
  t.backends.push_back({"vmem2", "ram", 2ull << 30, ""});
  t.backends.push_back({"vmem3", "ram", 2ull << 30, ""});
  t.root_ports.push_back({"rp2", "cxl.1", 1, 0, 4});
  t.root_ports.push_back({"rp3", "cxl.2", 1, 0, 5});
  t.type3.push_back({"d2", "rp2", "vmem2", "", "", "", 0, 3});
  t.type3.push_back({"d3", "rp3", "vmem3", "", "", "", 0, 4});
  t.regions[0].memdev_serials = {1, 2, 3, 4};
  auto p = plan_region(t, 0);
  // pos0: cxl.1/rp0, pos1: cxl.2/rp1, pos2: cxl.1/rp2, pos3: cxl.2/rp3
  EXPECT_EQ(p.serials, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(p.bridge_ways.at("cxl.1"), 2u);
}

TEST(RegionPlan, UnevenBridgesAreRefusedNamingTheRegion) {
  auto t = load("vmem-2hb");
  t.root_ports.push_back({"rp2", "cxl.1", 1, 0, 4});
  t.backends.push_back({"vmem2", "ram", 2ull << 30, ""});
  t.backends.push_back({"vmem3", "ram", 2ull << 30, ""});
  t.root_ports.push_back({"rp3", "cxl.1", 2, 0, 5});
  t.type3.push_back({"d2", "rp2", "vmem2", "", "", "", 0, 3});
  t.type3.push_back({"d3", "rp3", "vmem3", "", "", "", 0, 4});
  t.regions[0].memdev_serials = {1, 2, 3, 4};  // three under cxl.1, one under cxl.2
  try {
    plan_region(t, 0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "vmem-2hb.regions[0].memdevs");
  }
}

TEST(RegionPlan, UuidIsStableAndWellFormed) {
  auto u = uuid_from_seed(7);
  EXPECT_EQ(u, uuid_from_seed(7));
  EXPECT_NE(u, uuid_from_seed(7, 1));
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b') << u;
}
