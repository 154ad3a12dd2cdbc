// The night's outputs from a planted night: a regression must reach the summary, the page,
// JUnit and KCIDB, and KCIDB must keep v5's rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "KcidbReport.h"
#include "NightView.h"

using namespace cxlrig;

namespace {

// Does a line of kcidb_problems() mention `s`?
bool mentions(const std::vector<std::string>& problems, const std::string& s) {
  return std::any_of(problems.begin(), problems.end(), [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

NightView planted() {
  NightView v;
  v.night.id = "2026-12-01T01:00:00Z";
  v.night.started = v.night.id;
  v.night.matrix = "short";
  v.night.shard = "1/1";
  CellRecord good;
  good.key = "debian-7.3:vmem-1:multirange-poison:1";
  good.kernel = "debian-7.3";
  good.topology = "vmem-1";
  good.scenario = "multirange-poison";
  good.kernel_id = {"debian-7.3", "packaged", "7.3.4+deb13-amd64", "7.3.4-1~bpo13+1", "", "", {}};
  good.status = "pass";
  good.duration_s = 20;
  good.started = v.night.id;
  good.artifacts = "/night/cells/debian-7.3_vmem-1_multirange-poison_1";
  good.reproduce = "cxlrig run --scenario multirange-poison --topology vmem-1 --kernel 7.3";
  good.rows = {{"d0/s1/r0/first/corrupt_pfn", "PASS", ""}, {"d1/s1/r0/first/madvise", "SKIP", "no madvise"}};
  CellRecord bad = good;
  bad.key = "rig:vmem-1:multirange-poison:1";
  bad.kernel = "rig";
  bad.kernel_id = {"rig", "built", "7.3.4", "", "", "0123456789ab", {"fsdev-offset-from-first-range.patch"}};
  bad.status = "fail";
  bad.artifacts = "/night/cells/rig_vmem-1_multirange-poison_1";
  bad.rows = {{"d0/s1/r1/first/corrupt_pfn", "FAIL", "notify offset 0x0, expected 0x200000"}};
  bad.splats = {{"WARNING in fsdev_pagemap_memory_failure", 1, "WARNING: ..."}};
  CellRecord infra = good;
  infra.key = "debian-6.12:vmem-1:multirange-poison:1";
  infra.kernel = "debian-6.12";
  infra.status = "infra";
  infra.rows.clear();
  infra.reason = "guest did not boot";
  v.night.cells = {good, bad, infra};
  v.changes = {{ChangeKind::kRegression, bad.key, "d0/s1/r1/first/corrupt_pfn", "PASS", "FAIL",
                "notify offset 0x0, expected 0x200000", "2026-11-30T01:00:00Z", "", ""},
               {ChangeKind::kInfra, infra.key, "", "", "", "guest did not boot", "", "", ""}};
  v.exit_code = 1;
  v.out_dir = "/night";
  v.missing = {"debian-7.3:vmem-2way:multirange-poison:1"};
  v.trails[bad.key] = {{"2026-11-30T01:00:00Z", "pass", 19}, {v.night.id, "fail", 20}};
  return v;
}

}  // namespace

TEST(NightOutputs, SummaryPutsRegressionsFirst) {
  std::ostringstream o;
  print_night_summary(planted(), o);
  const std::string s = o.str();
  const auto reg = s.find("REGRESSIONS");
  ASSERT_NE(reg, std::string::npos) << s;
  EXPECT_LT(reg, s.find("Infrastructure"));
  EXPECT_NE(s.find("rig:vmem-1:multirange-poison:1  d0/s1/r1/first/corrupt_pfn  PASS -> FAIL"), std::string::npos) << s;
  EXPECT_NE(s.find("exit 1"), std::string::npos);
}

TEST(NightOutputs, PageHasTheGridTheRegressionAndLinks) {
  const std::string h = night_page_html(planted());
  EXPECT_NE(h.find("<table id=\"grid\">"), std::string::npos);
  EXPECT_NE(h.find("<tr class=\"regression\" data-cell=\"rig:vmem-1:multirange-poison:1\" data-row=\"d0/s1/r1/first/corrupt_pfn\">"),
            std::string::npos);
  EXPECT_NE(h.find("data-cell=\"rig:vmem-1:multirange-poison:1\" data-status=\"fail\" data-red=\"1\""), std::string::npos);
  EXPECT_NE(h.find("href=\"cells/rig_vmem-1_multirange-poison_1/\""), std::string::npos) << "links relative to the page";
  EXPECT_NE(h.find("cxlrig run --scenario multirange-poison --topology vmem-1 --kernel 7.3"), std::string::npos);
  EXPECT_NE(h.find("<svg id=\"durations\""), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos) << "self-contained, no script";
  EXPECT_EQ(h.find("src=\"http"), std::string::npos) << "nothing fetched";
}

TEST(NightOutputs, JunitHasASuitePerCellAndACasePerRow) {
  const std::string x = night_junit_xml(planted());
  EXPECT_NE(x.find("<testsuite name=\"rig:vmem-1:multirange-poison:1\""), std::string::npos) << x;
  EXPECT_NE(x.find("<testcase classname=\"rig:vmem-1:multirange-poison:1\" name=\"d0/s1/r1/first/corrupt_pfn\">"), std::string::npos);
  EXPECT_NE(x.find("<failure message=\"notify offset 0x0, expected 0x200000\""), std::string::npos);
  EXPECT_NE(x.find("<error message=\"guest did not boot\""), std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"no madvise\""), std::string::npos);
}

TEST(NightOutputs, KcidbKeepsV5Rules) {
  const auto k = kcidb_report(planted());
  EXPECT_TRUE(kcidb_problems(k).empty()) << kcidb_problems(k).front();
  EXPECT_EQ(k["version"]["major"], 5);
  bool regression = false, error = false, miss = false;
  for (auto& t : k["tests"]) {
    EXPECT_EQ(t["id"].get<std::string>().rfind("cxlrig:", 0), 0u);
    EXPECT_EQ(t["path"].get<std::string>().rfind("cxlrig.multirange-poison", 0), 0u) << t["path"];
    if (t["path"] == "cxlrig.multirange-poison.d0.s1.r1.first.corrupt_pfn" && t["status"] == "FAIL") regression = true;
    if (t["status"] == "ERROR") error = true;
    if (t["status"] == "MISS") miss = true;
  }
  EXPECT_TRUE(regression);
  EXPECT_TRUE(error) << "infrastructure is ERROR";
  EXPECT_TRUE(miss) << "a cell no shard ran is MISS";
  EXPECT_EQ(kcidb_path_part("reconfig/device_dax/mapping-while-bound"), "reconfig.device_dax.mapping-while-bound");
  EXPECT_EQ(kcidb_path_part("/a//b:c/"), "a.b_c");
}

TEST(NightOutputs, KcidbProblemsCatchBrokenReports) {
  auto k = kcidb_report(planted());
  k["tests"][0]["status"] = "BROKEN";
  k["tests"][1]["id"] = "no-origin-prefix";
  k["tests"][2]["path"] = "cxlrig.a/b";
  k["builds"][0].erase("origin");
  k["tests"][3]["build_id"] = "cxlrig:build-nowhere";
  k["checkouts"][0]["comment"] = nullptr;
  const auto p = kcidb_problems(k);
  auto has = [&](const std::string& s) { return mentions(p, s); };
  EXPECT_TRUE(has("tests[0].status"));
  EXPECT_TRUE(has("tests[1].id"));
  EXPECT_TRUE(has("tests[2].path"));
  EXPECT_TRUE(has("builds[0].origin"));
  EXPECT_TRUE(has("tests[3].build_id: names no build"));
  EXPECT_TRUE(has("null"));
}

namespace {

// The planted night with a race cell of a KASAN kernel that hit 2 of 3 runs, reporting the
// planted cell's title too (the same bug seen by two cells is one issue).
NightView raced() {
  NightView v = planted();
  CellRecord race = v.night.cells[1];
  race.key = "rig-kasan:vmem-1:race-mapping-vs-fsdev-mf:1";
  race.kernel = "rig-kasan";
  race.scenario = "race-mapping-vs-fsdev-mf";
  race.command = "race";
  race.kernel_id.name = "rig-kasan";
  race.rows = {{"race/run0", "FAIL", "reproduced"}, {"race/run1", "PASS", ""}, {"race/run2", "FAIL", "reproduced"}};
  race.splats = {{"KASAN: slab-use-after-free Read in fsdev_pagemap_memory_failure", 2, "BUG: KASAN: ..."},
                 {"WARNING in fsdev_pagemap_memory_failure", 1, "WARNING: ..."}};
  race.race = {3, 2, 0.21};
  v.night.cells.push_back(race);
  return v;
}

}  // namespace

TEST(NightOutputs, KcidbSplatsAreIssuesWithAnIncidentPerCell) {
  const auto k = kcidb_report(raced());
  ASSERT_TRUE(kcidb_problems(k).empty()) << kcidb_problems(k).front();
  ASSERT_EQ(k["issues"].size(), 2u) << "one issue per title, not per cell";
  ASSERT_EQ(k["incidents"].size(), 3u) << "one incident per title a cell reported";
  std::map<std::string, std::string> subject;
  for (auto& i : k["issues"]) {
    subject[i["id"]] = i["report_subject"];
    EXPECT_EQ(i["version"], 0);
    EXPECT_EQ(i["culprit"]["code"], true);
  }
  std::set<std::string> test_ids;
  for (auto& t : k["tests"]) test_ids.insert(t["id"]);
  unsigned warning = 0;
  for (auto& inc : k["incidents"]) {
    ASSERT_TRUE(subject.count(inc["issue_id"])) << inc.dump();
    EXPECT_TRUE(test_ids.count(inc["test_id"])) << inc.dump();
    EXPECT_EQ(inc["present"], true);
    warning += subject[inc["issue_id"]] == "WARNING in fsdev_pagemap_memory_failure";
  }
  EXPECT_EQ(warning, 2u);
  // The issue id is the title's, whatever the night: tomorrow's report names the same issue.
  NightView tomorrow = raced();
  tomorrow.night.id = "2026-12-02T01:00:00Z";
  EXPECT_EQ(kcidb_report(tomorrow)["issues"], k["issues"]);
  // No splat, no issues and no incidents lists.
  NightView clean = planted();
  clean.night.cells[1].splats.clear();
  EXPECT_FALSE(kcidb_report(clean).contains("issues"));
}

TEST(NightOutputs, KcidbRaceHitRateIsTheNumberOfADoneTest) {
  const auto k = kcidb_report(raced());
  unsigned found = 0;
  for (auto& t : k["tests"]) {
    if (t["path"] != "cxlrig.race-mapping-vs-fsdev-mf.hit_rate") continue;
    ++found;
    EXPECT_EQ(t["status"], "DONE");
    EXPECT_DOUBLE_EQ(t["number"]["value"].get<double>(), 2.0 / 3);
    EXPECT_EQ(t["misc"]["hits"], 2);
    EXPECT_EQ(t["misc"]["runs"], 3);
    EXPECT_DOUBLE_EQ(t["misc"]["median_first_hit_s"].get<double>(), 0.21);
    EXPECT_EQ(t["comment"], "2 of 3 runs hit");
  }
  EXPECT_EQ(found, 1u) << "one hit-rate test, for the race cell only";
}

TEST(NightOutputs, KcidbProblemsCatchBrokenIssuesAndIncidents) {
  auto k = kcidb_report(raced());
  k["issues"][0].erase("version");
  k["incidents"][0]["issue_id"] = "cxlrig:splat-nowhere";
  k["incidents"][1]["test_id"] = "cxlrig:test-nowhere";
  k["incidents"][2]["issue_version"] = -1;
  for (auto& t : k["tests"])
    if (t.contains("number")) t["number"] = {{"unit", "runs"}};
  const auto p = kcidb_problems(k);
  auto has = [&](const std::string& s) { return mentions(p, s); };
  EXPECT_TRUE(has("issues[0].version: required"));
  EXPECT_TRUE(has("incidents[0].issue_id: names no issue"));
  EXPECT_TRUE(has("incidents[1].test_id: names no test"));
  EXPECT_TRUE(has("incidents[2].issue_version"));
  EXPECT_TRUE(has(".number: must be"));
}

TEST(NightOutputs, PageShowsARaceCellsHitRate) {
  const std::string h = night_page_html(raced());
  EXPECT_NE(h.find("<small class=\"hits\" data-hits=\"2\" data-runs=\"3\">hit 2 of 3 runs, first hit 0.2 s (median)</small>"),
            std::string::npos) << h;
  EXPECT_EQ(night_page_html(planted()).find("class=\"hits\""), std::string::npos) << "run cells have no hit rate";
}

TEST(NightOutputs, KcidbIssuesCiteTheirKnownIssuesThread) {
  NightView v = raced();
  KnownIssue uaf;
  uaf.id = "fsdev-mf-walks-reallocated-ranges";
  uaf.cell = "*:race-mapping-vs-fsdev-mf:*";
  uaf.title = "KASAN: * in fsdev_pagemap_memory_failure*";
  uaf.link = "https://lore.kernel.org/all/?q=mapping_store+krealloc+ranges";
  v.known = KnownIssues({uaf});
  const auto k = kcidb_report(v);
  ASSERT_TRUE(kcidb_problems(k).empty()) << kcidb_problems(k).front();
  for (auto& i : k["issues"]) {
    const bool known = i["report_subject"] == "KASAN: slab-use-after-free Read in fsdev_pagemap_memory_failure";
    EXPECT_EQ(i.contains("report_url"), known) << i.dump();
    EXPECT_EQ(i["misc"].contains("known_issue"), known) << i.dump();
    if (known) {
      EXPECT_EQ(i["report_url"], uaf.link);
      EXPECT_EQ(i["misc"]["known_issue"], uaf.id);
    }
  }
  unsigned known_incidents = 0;
  for (auto& inc : k["incidents"]) known_incidents += inc["misc"]["known"] == true;
  EXPECT_EQ(known_incidents, 1u) << "only the race cell's KASAN report is known";
}
