#include "CellResults.h"

#include <gtest/gtest.h>

using namespace cxlrig;
using nlohmann::json;

TEST(CellResults, RowsAndSplatTitlesFromResultsJson) {
  CellRecord c;
  json r = json::parse(R"({"checks": [{"key": "d0/s1/r0/first/corrupt_pfn", "verdict": "PASS", "reason": ""},
                                      {"key": "d0/s1/r1/first/corrupt_pfn", "verdict": "FAIL", "reason": "offset 0x0"}],
                           "splats": [{"title": "KASAN: slab-use-after-free Read in x", "report": "BUG: KASAN ..."},
                                      {"title": "KASAN: slab-use-after-free Read in x", "report": "again"}],
                           "error": null})");
  read_cell_results(c, 1, r, "");
  EXPECT_EQ(c.status, "fail");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.row("d0/s1/r1/first/corrupt_pfn")->reason, "offset 0x0");
  ASSERT_EQ(c.splats.size(), 1u);
  EXPECT_EQ(c.splats[0].count, 2u);
  EXPECT_EQ(c.splats[0].report, "BUG: KASAN ...");
}

TEST(CellResults, WhatCannotBeReadIsInfrastructureNeverAPass) {
  CellRecord c;
  read_cell_results(c, 0, nullptr, "no results.json");
  EXPECT_EQ(c.status, "infra");
  EXPECT_EQ(c.reason, "no results.json");
  read_cell_results(c, 125, json::parse(R"({"checks": [], "error": "guest did not boot\nconsole tail"})"), "");
  EXPECT_EQ(c.status, "infra");
  EXPECT_EQ(c.reason, "guest did not boot");
  read_cell_results(c, 2, json::parse(R"({"checks": []})"), "");
  EXPECT_EQ(c.status, "infra");
  EXPECT_EQ(c.reason, "bad input (exit 2)");
}

TEST(CellResults, RowsRepeatedPerGuestGetKeysOfTheirOwn) {
  CellRecord c;
  read_cell_results(c, 0, json::parse(R"({"checks": [{"key": "region0/topology", "verdict": "PASS"},
      {"key": "race/run0", "verdict": "PASS"}, {"key": "region0/topology", "verdict": "PASS"},
      {"key": "region0/topology", "verdict": "FAIL", "reason": "third guest"}]})"), "");
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.rows[2].key, "region0/topology#2");
  EXPECT_EQ(c.rows[3].key, "region0/topology#3");
  EXPECT_EQ(c.row("region0/topology#3")->reason, "third guest");
}

TEST(CellResults, ARaceKeepsItsTally) {
  CellRecord c;
  // The block as judge/RaceCheck writes it (a KASAN night of race-faults-vs-mapping).
  read_cell_results(c, 1, json::parse(R"({"checks": [], "race": {"runs": 3, "hits": 2, "hit_rate": 0.667,
      "median_first_hit_s": 0.154252096, "titles": []}})"), "");
  EXPECT_EQ(c.race.runs, 3u);
  EXPECT_EQ(c.race.hits, 2u);
  EXPECT_DOUBLE_EQ(c.race.median_first_hit_s, 0.154252096);
  // No hit: RaceCheck writes null; a run cell has no block; neither has a first hit.
  read_cell_results(c, 0, json::parse(R"({"checks": [], "race": {"runs": 3, "hits": 0, "median_first_hit_s": null}})"), "");
  EXPECT_EQ(c.race.runs, 3u);
  EXPECT_EQ(c.race.hits, 0u);
  EXPECT_LT(c.race.median_first_hit_s, 0);
  read_cell_results(c, 0, json::parse(R"({"checks": []})"), "");
  EXPECT_EQ(c.race.runs, 0u);
  // More hits than runs is a broken file, not a rate above 1.
  read_cell_results(c, 1, json::parse(R"({"checks": [], "race": {"runs": 2, "hits": 5}})"), "");
  EXPECT_EQ(c.race.hits, 2u);
}
