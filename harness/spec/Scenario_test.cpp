#include "Scenario.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "InputError.h"

using namespace cxlrig;
using nlohmann::json;

namespace {
std::string error_of(const json& j) {
  try {
    parse_scenario(j, "s.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}
json minimal() {
  return json::parse(R"({"kind": "layout_poison", "name": "n", "topology": "vmem-1", "devices": [{"driver": "device_dax"}]})");
}
}  // namespace

TEST(Scenario, EveryShippedScenarioParses) {
  size_t n = 0;
  std::set<ScenarioKind> kinds;
  for (auto& e : std::filesystem::directory_iterator(std::string(CXLRIG_DATA_DIR) + "/guest-tests/scenarios")) {
    if (e.path().extension() != ".json") continue;
    Scenario s = load_scenario_file(e.path().string());
    EXPECT_EQ(s.name + ".json", e.path().filename().string()) << "a scenario is named after its file";
    EXPECT_FALSE(s.guards.empty()) << s.name << " guards no upstream thread or commit";
    kinds.insert(s.kind);
    ++n;
  }
  EXPECT_GE(n, 7u);
  EXPECT_EQ(kinds.size(), all_scenario_kinds().size()) << "every kind has a shipped scenario";
}

TEST(Scenario, TheFileStatesItsKind) {
  auto j = minimal();
  j.erase("kind");
  EXPECT_NE(error_of(j).find("s.json.kind: missing"), std::string::npos) << error_of(j);
  j["kind"] = "layout";
  EXPECT_NE(error_of(j).find("use one of: layout_poison, static_device, dcd, range_limit, reconfig"), std::string::npos)
      << error_of(j);
}

TEST(Scenario, AFieldOfAnotherKindIsRefusedNamingItsOwner) {
  auto j = minimal();
  j["range_limit"] = {{"driver", "device_dax"}, {"at_least", 1}};
  const std::string e = error_of(j);
  EXPECT_NE(e.find("s.json.range_limit"), std::string::npos) << e;
  EXPECT_NE(e.find("belongs to range_limit"), std::string::npos) << e;
}

// A typo in `requires` used to parse, turn 19 rows into SKIP and exit 0.
TEST(Scenario, RequiresIsCheckedAgainstTheCapabilityTable) {
  auto j = minimal();
  j["devices"][0]["requires"] = {"driver:fsdev-dax"};
  const std::string e = error_of(j);
  EXPECT_NE(e.find("s.json.devices[0].requires[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown capability \"driver:fsdev-dax\""), std::string::npos) << e;
  EXPECT_NE(e.find("driver:fsdev_dax"), std::string::npos) << "lists the known keys: " << e;
  j = minimal();
  j["requires"] = {"kernel:kcsan"};
  EXPECT_EQ(error_of(j), "accepted");
}

TEST(Scenario, RangeLimitNamesItsDriver) {
  auto j = json::parse(R"({"kind": "range_limit", "name": "l", "topology": "vmem-1",
                           "range_limit": {"driver": "fsdev_dax", "at_least": 10}})");
  auto s = parse_scenario(j, "l.json");
  EXPECT_EQ(s.range_limit->driver, "fsdev_dax");
  EXPECT_EQ(s.range_limit->granule, 2ull << 20);
  j["range_limit"]["granule"] = "3M";
  EXPECT_NE(error_of(j).find("granule"), std::string::npos);
  j["range_limit"].erase("granule");
  j["range_limit"].erase("driver");
  EXPECT_NE(error_of(j).find("range_limit.driver"), std::string::npos);
}

TEST(Scenario, StaticDevicesHaveNoShape) {
  auto j = json::parse(R"({"kind": "static_device", "name": "p", "topology": "pmem-1",
                           "devices": [{"driver": "fsdev_dax", "ranges": 3}]})");
  EXPECT_NE(error_of(j).find("devices[0].ranges"), std::string::npos) << error_of(j);
}

namespace {
nlohmann::json race_json() {
  return nlohmann::json::parse(R"({"kind": "race", "name": "r", "topology": "vmem-1",
    "race": {"driver": "fsdev_dax", "stressors": [{"action": "grow_mapping"}, {"action": "poison", "path": "corrupt_pfn"}],
             "expect": ["KASAN: *"], "expected_errnos": ["EBUSY"]}})");
}
std::string race_error(const std::function<void(nlohmann::json&)>& edit) {
  auto j = race_json();
  edit(j);
  try {
    cxlrig::parse_scenario(j, "r.json");
  } catch (const cxlrig::InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(RaceScenario, ParsesWithDefaults) {
  auto s = cxlrig::parse_scenario(race_json(), "r.json");
  ASSERT_TRUE(s.race);
  EXPECT_EQ(s.kind, cxlrig::ScenarioKind::kRace);
  EXPECT_EQ(s.race->runs, 3u);
  EXPECT_EQ(s.guests(), 3u);
  EXPECT_EQ(s.race->duration_s, 20u);
  EXPECT_EQ(s.race->stressors[1].path, cxlrig::PoisonPath::kCorruptPfn);
}

TEST(RaceScenario, BadFieldsNameThemselves) {
  EXPECT_NE(race_error([](auto& j) { j["race"]["stressors"][0]["action"] = "grow"; }).find("r.json.race.stressors[0].action"),
            std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["stressors"].erase(1); }).find("two or more"), std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["stressors"][0] = {{"action", "fault"}}; }).find("only device_dax"),
            std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["stressors"][1]["path"] = "mce_ar"; }).find("stressors[1].path"),
            std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["expected_errnos"] = {"EBUZY"}; }).find("expected_errnos[0]"),
            std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"].erase("expect"); }).find("race.expect"), std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["kernel_args"] = {"a b"}; }).find("kernel_args[0]"), std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["stressors"][0]["reset"] = "yes"; }).find("reset"), std::string::npos);
  EXPECT_NE(race_error([](auto& j) {
              j["race"]["driver"] = "device_dax";
              j["race"]["holder"] = true;
            }).find("r.json.race.holder"),
            std::string::npos);
  EXPECT_NE(race_error([](auto& j) { j["race"]["holder"] = "yes"; }).find("race.holder"), std::string::npos);
}
