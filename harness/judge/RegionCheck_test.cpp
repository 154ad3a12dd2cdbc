#include "RegionCheck.h"

#include <gtest/gtest.h>

using namespace cxlrig;
using nlohmann::json;

namespace {
// The agent's reply from the fields a test cares about; every other field as a default
// reply has it (the wire needs them all).
proto::CxlCreateRegion::Reply reply(json partial) {
  json full = proto::CxlCreateRegion::Reply{};
  for (auto& [k, v] : partial.items()) full[k] = v;
  for (auto& t : full["targets"]) {
    json d = proto::CxlCreateRegion::Target{};
    d.update(t);
    t = d;
  }
  for (auto& x : full["decoders"]) {
    json d = proto::CxlCreateRegion::Decoder{};
    d.update(x);
    x = d;
  }
  return full.get<proto::CxlCreateRegion::Reply>();
}

Topology load(const std::string& name) {
  return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/" + name + ".json");
}

// What a correct 4-way region under one switch reads back as.
json switch4_readback() {
  json d = json::array();
  d.push_back({{"name", "decoder0.0"}, {"path", "root0/decoder0.0"}, {"interleave_ways", 1}, {"interleave_granularity", 256}});
  d.push_back({{"name", "decoder1.0"}, {"path", "root0/port1/decoder1.0"}, {"interleave_ways", 1}, {"interleave_granularity", 256}});
  d.push_back({{"name", "decoder2.0"}, {"path", "root0/port1/port2/decoder2.0"}, {"interleave_ways", 4}, {"interleave_granularity", 256}});
  json targets = json::array();
  for (int i = 0; i < 4; ++i) {
    std::string ep = "endpoint" + std::to_string(3 + i);
    d.push_back({{"name", "decoder" + std::to_string(3 + i) + ".0"}, {"path", "root0/port1/port2/" + ep + "/decoder" + std::to_string(3 + i) + ".0"},
                 {"interleave_ways", 4}, {"interleave_granularity", 256}, {"dpa_size", 1ull << 30}, {"mode", "ram"}});
    targets.push_back({{"position", i}, {"serial", i + 1}});
  }
  return {{"region", "region0"}, {"interleave_ways", 4}, {"interleave_granularity", 256}, {"size", 4ull << 30},
          {"targets", targets}, {"decoders", d}};
}
}  // namespace

TEST(RegionCheck, DepthCountsPortsBelowRoot) {
  EXPECT_EQ(decoder_depth("root0/decoder0.0"), 0);
  EXPECT_EQ(decoder_depth("root0/port1/decoder1.0"), 1);
  EXPECT_EQ(decoder_depth("root0/port1/port2/decoder2.0"), 2);
  EXPECT_EQ(decoder_depth("root0/port1/port2/endpoint3/decoder3.0"), -1);
}

TEST(RegionCheck, CorrectSwitchRegionPasses) {
  auto plan = plan_region(load("switch-4"), 0);
  auto row = judge_region(plan, reply(switch4_readback()));
  EXPECT_EQ(row.verdict, Verdict::kPass) << row.reason;
}

TEST(RegionCheck, EveryMismatchIsNamed) {
  auto plan = plan_region(load("switch-4"), 0);
  auto rb = switch4_readback();
  rb["targets"][1]["serial"] = 3;
  rb["decoders"][2]["interleave_ways"] = 2;
  rb["decoders"][4]["dpa_size"] = 1ull << 29;
  rb["size"] = 2ull << 30;
  auto row = judge_region(plan, reply(rb));
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("target1 is serial 0x3"), std::string::npos) << row.reason;
  EXPECT_NE(row.reason.find("switch decoders interleave [2] ways, want [4]"), std::string::npos) << row.reason;
  EXPECT_NE(row.reason.find("dpa_size 0x20000000"), std::string::npos) << row.reason;
  EXPECT_NE(row.reason.find("region size 0x80000000"), std::string::npos) << row.reason;
}

TEST(RegionCheck, MissingDecodersFail) {
  auto plan = plan_region(load("vmem-2way"), 0);
  json rb = {{"region", "region0"}, {"interleave_ways", 2}, {"interleave_granularity", 256}, {"size", 4ull << 30},
             {"targets", json::array({{{"serial", 1}}, {{"serial", 2}}})}, {"decoders", json::array()}};
  auto row = judge_region(plan, reply(rb));
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("0 root decoders"), std::string::npos);
  EXPECT_NE(row.reason.find("host bridge decoders interleave [] ways, want [2]"), std::string::npos) << row.reason;
}
