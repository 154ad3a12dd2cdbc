#include "Matrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "InputError.h"

using namespace cxlrig;
using nlohmann::json;

namespace {
const std::string kData = CXLRIG_DATA_DIR;

json minimal() {
  return json::parse(R"({"schema": "cxlrig.matrix/1", "name": "t",
    "kernels": [{"name": "a", "packaged": "7.3"}, {"name": "b", "packaged": "6.12"}],
    "topologies": ["vmem-1", "vmem-2way"], "scenarios": ["multirange-poison"]})");
}

std::string error_of(const json& j) {
  try {
    parse_matrix(j, "m.json", "/tmp", kData);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

TEST(Matrix, ExpandsKernelsTopologiesScenariosSeedsInAFixedOrder) {
  json j = minimal();
  j["seeds"] = {1, 7};
  Matrix m = parse_matrix(j, "m.json", "/tmp", kData);
  auto cells = expand_cells(m);
  ASSERT_EQ(cells.size(), 8u);
  EXPECT_EQ(cells[0].key, "a:vmem-1:multirange-poison:1");
  EXPECT_EQ(cells[1].key, "a:vmem-1:multirange-poison:7");
  EXPECT_EQ(cells[7].key, "b:vmem-2way:multirange-poison:7");
  EXPECT_EQ(cells[0].dir_name(), "a_vmem-1_multirange-poison_1");
  const CellKey k = CellKey::parse(cells[1].key);
  EXPECT_EQ(k.kernel, "a");
  EXPECT_EQ(k.topology, "vmem-1");
  EXPECT_EQ(k.scenario, "multirange-poison");
  EXPECT_EQ(k.seed, 7u);
  EXPECT_EQ(k.str(), cells[1].key);
  EXPECT_FALSE(cells[0].spec->race);
}

TEST(Matrix, ExclusionsAreGlobsOnEveryNamedField) {
  json j = minimal();
  j["exclude"] = json::parse(R"([{"kernel": "b", "topology": "*2way", "reason": "no interleave on 6.12"}])");
  auto cells = expand_cells(parse_matrix(j, "m.json", "/tmp", kData));
  ASSERT_EQ(cells.size(), 3u);
  for (auto& c : cells) EXPECT_NE(c.key, "b:vmem-2way:multirange-poison:1");
  j["exclude"] = json::parse(R"([{"kernel": "*", "reason": "all"}])");
  EXPECT_NE(error_of(j).find("m.json.exclude: leaves no cell"), std::string::npos) << error_of(j);
}

// "!" keeps a kernel to what the glob names: b runs the race scenario only, a runs both.
TEST(Matrix, ExclusionFieldsNegatedWithABang) {
  json j = minimal();
  j["scenarios"] = json::parse(R"(["multirange-poison", {"name": "race-mapping-vs-fsdev-mf", "topologies": "scenario"}])");
  j["exclude"] = json::parse(R"([{"kernel": "b", "scenario": "!race-*", "reason": "races only"}])");
  std::set<std::string> keys;
  for (auto& c : expand_cells(parse_matrix(j, "m.json", "/tmp", kData))) keys.insert(c.key);
  EXPECT_EQ(keys, (std::set<std::string>{"a:vmem-1:multirange-poison:1", "a:vmem-2way:multirange-poison:1",
                                         "a:vmem-1:race-mapping-vs-fsdev-mf:1", "b:vmem-1:race-mapping-vs-fsdev-mf:1"}));
}

TEST(Matrix, RaceScenariosKeepRunsAndTheirOwnTopology) {
  json j = minimal();
  j["scenarios"] = json::parse(R"([{"name": "race-mapping-vs-fsdev-mf", "runs": 2, "duration": "10s", "topologies": "scenario"}])");
  Matrix m = parse_matrix(j, "m.json", "/tmp", kData);
  auto cells = expand_cells(m);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_TRUE(cells[0].spec->race);
  EXPECT_EQ(*cells[0].spec->runs, 2u);
  EXPECT_EQ(*cells[0].spec->duration_s, 10u);
  EXPECT_EQ(cells[0].topology, "vmem-1");
}

TEST(Matrix, BadFieldsAreNamedWithTheFix) {
  auto with = [](const char* patch) {
    json j = minimal();
    j.merge_patch(json::parse(patch));
    return error_of(j);
  };
  EXPECT_NE(with(R"({"schema": "x"})").find("m.json.schema"), std::string::npos);
  EXPECT_NE(with(R"({"kernel": []})").find("m.json.kernel: unknown field"), std::string::npos);
  EXPECT_NE(with(R"({"topologies": ["vmem-9"]})").find("m.json.topologies[0]: no topology 'vmem-9'"), std::string::npos);
  EXPECT_NE(with(R"({"scenarios": ["nope"]})").find("m.json.scenarios[0]: no scenario 'nope'"), std::string::npos);
  EXPECT_NE(with(R"({"scenarios": [{"name": "multirange-poison", "runs": 3}]})").find("race scenarios only"), std::string::npos);
  EXPECT_NE(with(R"({"kernels": [{"name": "a", "packaged": "7.3", "tree": "/x"}]})").find("m.json.kernels[0]: needs exactly one"),
            std::string::npos);
  EXPECT_NE(with(R"({"kernels": [{"name": "a", "tree": "/nonexistent"}]})").find("m.json.kernels[0].tree"), std::string::npos);
  EXPECT_NE(with(R"({"kernels": [{"name": "a", "packaged": "7.3", "patches": ["x.patch"]}]})").find("only applies to a kernel the rig builds"),
            std::string::npos);
  EXPECT_NE(with(R"({"kernels": [{"name": "a b", "packaged": "7.3"}]})").find("m.json.kernels[0].name"), std::string::npos);
  EXPECT_NE(with(R"({"kernels": [{"name": "a", "packaged": "7.3"}, {"name": "a", "packaged": "6.12"}]})").find("used twice"),
            std::string::npos);
  EXPECT_NE(with(R"({"seeds": [-1]})").find("m.json.seeds[0]"), std::string::npos);
  EXPECT_NE(with(R"({"known_issues": "missing.json"})").find("m.json.known_issues: no file /tmp/missing.json"), std::string::npos);
}

TEST(Matrix, PatchesByNameComeFromImagesPatches) {
  json j = minimal();
  j["kernels"] = json::parse(R"([{"name": "rig", "source": "7.3", "patches": ["fsdev-offset-from-first-range.patch"]}])");
  Matrix m = parse_matrix(j, "m.json", "/tmp", kData);
  ASSERT_EQ(m.kernels[0].patches.size(), 1u);
  EXPECT_EQ(m.kernels[0].patches[0], kData + "/images/patches/fsdev-offset-from-first-range.patch");
  EXPECT_TRUE(m.kernels[0].built());
  j["kernels"][0]["patches"] = {"no-such.patch"};
  EXPECT_NE(error_of(j).find("m.json.kernels[0].patches[0]: no patch"), std::string::npos);
}

TEST(Matrix, ShardsPartitionEveryCellOnceAndEvenly) {
  json j = minimal();
  j["seeds"] = {1, 2, 3};
  auto cells = expand_cells(parse_matrix(j, "m.json", "/tmp", kData));  // 12
  std::multiset<std::string> seen;
  for (unsigned i = 1; i <= 5; ++i) {
    auto s = shard_cells(cells, i, 5);
    EXPECT_GE(s.size(), 2u);
    EXPECT_LE(s.size(), 3u);
    for (auto& c : s) seen.insert(c.key);
    EXPECT_EQ(s.size(), shard_cells(cells, i, 5).size()) << "deterministic";
  }
  EXPECT_EQ(seen.size(), cells.size());
  for (auto& c : cells) EXPECT_EQ(seen.count(c.key), 1u);
  EXPECT_EQ(parse_shard("2/4"), std::make_pair(2u, 4u));
  for (auto bad : {"0/2", "3/2", "x", "1/", "/2", "1/2x", "-1/2"}) EXPECT_THROW(parse_shard(bad), InputError) << bad;
}

TEST(Matrix, ShippedNightlyMatrixParses) {
  Matrix m = load_matrix_file(kData + "/ci/nightly.json", kData);
  EXPECT_GE(m.kernels.size(), 3u);
  EXPECT_GT(expand_cells(m).size(), 10u);
}

// The shipped matrix's KASAN kernel runs every race scenario and nothing else: the races'
// expected titles (KASAN: ... in fsdev_pagemap_memory_failure, ...) can appear on no other
// kernel of the night, and the base kernels run the rest.
TEST(Matrix, ShippedNightlyKasanKernelRunsTheRacesOnly) {
  Matrix m = load_matrix_file(kData + "/ci/nightly.json", kData);
  const auto k = std::find_if(m.kernels.begin(), m.kernels.end(), [](const MatrixKernel& x) { return x.variant == "kasan"; });
  ASSERT_NE(k, m.kernels.end());
  const size_t ki = static_cast<size_t>(k - m.kernels.begin());
  std::set<std::string> races, ran;
  for (const auto& s : m.scenarios)
    if (s.race) races.insert(s.name);
  ASSERT_FALSE(races.empty());
  for (const auto& c : expand_cells(m))
    if (c.kernel == ki) ran.insert(c.scenario);
  EXPECT_EQ(ran, races);
}
