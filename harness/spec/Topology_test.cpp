#include "Topology.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "InputError.h"
#include "RegionPlan.h"

using namespace cxlrig;
namespace fs = std::filesystem;

TEST(Topology, ShippedTopologiesParse) {
  for (auto& e : fs::directory_iterator(std::string(CXLRIG_DATA_DIR) + "/qemu-configs")) {
    auto t = load_topology_file(e.path().string());
    EXPECT_FALSE(t.regions.empty()) << e.path();
  }
  auto t = load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/vmem-1.json");
  EXPECT_EQ(t.backends[0].size, 4ull << 30);
  EXPECT_EQ(t.type3[0].serial, 1u);
  EXPECT_EQ(plan_region(t, 0).size, 4ull << 30);
}

// Every file in tests/data/topology-bad/ must be refused with the field its .expect names.
TEST(Topology, BadFileCorpusNamesTheField) {
  int n = 0;
  for (auto& e : fs::directory_iterator(std::string(CXLRIG_TEST_DATA) + "/topology-bad")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream ex(fs::path(e.path()).replace_extension(".expect"));
    std::string want;
    std::getline(ex, want);
    std::ifstream in(e.path());
    auto j = nlohmann::json::parse(in);
    try {
      parse_topology(j, "x.json");
      ADD_FAILURE() << e.path() << " was accepted";
    } catch (const InputError& err) {
      EXPECT_EQ(err.where(), want) << e.path() << ": " << err.what();
    }
    ++n;
  }
  EXPECT_GE(n, 10);
}

TEST(Topology, ResolvesNamesAndPaths) {
  EXPECT_EQ(resolve_topology_path("vmem-1", "/d"), "/d/qemu-configs/vmem-1.json");
  EXPECT_EQ(resolve_topology_path("./mine.json", "/d"), "./mine.json");
}
