// The nightly end to end on real guests: a short matrix (2 kernels x 2 topologies x the
// default scenario) run twice into one history, with a change planted between the nights:
// the second night's rig-built kernel carries images/patches/fsdev-offset-from-first-range.patch
// (the old fsdev memory_failure offset bug). The regression must be reported with its rows
// in the terminal summary, the page (rendered by headless Chromium), JUnit and KCIDB, and
// the packaged kernel's cells must not change.
// Guards: dax/fsdev: fix multi-range offset in memory_failure handler (dax/fsdev fix series).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "RunHarness.h"
#include "Subprocess.h"

namespace fs = std::filesystem;
using namespace cxlrig::test;

namespace {

const std::string kSource = CXLRIG_SOURCE_DIR;

// A Linux tree for the rig-built kernel: $CXLRIG_TEST_KERNEL_TREE, or Debian's
// linux-source-7.3 unpacked once under test-runs/ (kept between runs of the test).
std::string kernel_tree() {
  if (const char* t = std::getenv("CXLRIG_TEST_KERNEL_TREE"); t && *t) return t;
  const std::string into = std::string(CXLRIG_TEST_RUNS) + "/nightly-src";
  const std::string tree = into + "/linux-source-7.3";
  if (fs::exists(into + "/.complete")) return tree;
  fs::remove_all(into);
  auto r = run_cxlrig({"kernel", "source", "--series", "7.3", "--into", into}, "", 1800);
  if (r.exit_code != 0) throw std::runtime_error("cxlrig kernel source failed: " + r.output);
  std::ofstream(into + "/.complete") << "7.3\n";
  return tree;
}

std::string matrix(const std::string& dir, const std::string& name, const std::string& tree, bool planted) {
  nlohmann::json rig = {{"name", "rig-7.3.4"}, {"tree", tree}};
  if (planted) rig["patches"] = {"fsdev-offset-from-first-range.patch"};
  nlohmann::json m = {{"schema", "cxlrig.matrix/1"},
                      {"name", "short"},
                      {"kernels", {{{"name", "debian-7.3"}, {"packaged", "7.3"}}, rig}},
                      {"topologies", {"vmem-1", "vmem-2hb"}},
                      {"scenarios", {"multirange-poison"}}};
  const std::string path = dir + "/" + name;
  std::ofstream(path) << m.dump(2);
  return path;
}

// python3-jsonschema against the schema transcribed from kcidb-io (tests/data/kcidb/).
cxlrig::CommandResult validate_kcidb(const std::string& report) {
  return cxlrig::run_command({"python3", "-c",
                              "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
                              "json.load(open(sys.argv[2]))); print('valid')",
                              report, kSource + "/tests/data/kcidb/v5.0-subset.schema.json"},
                             std::chrono::seconds(60));
}

nlohmann::json json_file(const std::string& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

}  // namespace

TEST(Nightly, TwoNightsReportThePlantedRegressionEverywhere) {
  const std::string dir = fresh_out_dir("nightly-planted");
  fs::create_directories(dir);
  const std::string tree = kernel_tree();
  const std::string db = dir + "/history.sqlite";
  auto n1 = run_cxlrig({"nightly", matrix(dir, "night1.json", tree, false), "--db", db, "--night", "night-1", "--jobs", "1"},
                       dir + "/night-1", 3000);
  ASSERT_EQ(n1.exit_code, 0) << n1.output;
  EXPECT_NE(n1.output.find("nothing new failed"), std::string::npos) << n1.output;
  auto night1 = json_file(dir + "/night-1/night.json");
  ASSERT_EQ(night1["cells"].size(), 4u);
  for (auto& c : night1["cells"]) EXPECT_EQ(c["status"], "pass") << c["key"] << ": " << c["reason"];

  auto n2 = run_cxlrig({"nightly", matrix(dir, "night2.json", tree, true), "--db", db, "--night", "night-2", "--jobs", "1"},
                       dir + "/night-2", 3000);
  EXPECT_EQ(n2.exit_code, 1) << n2.output;
  const std::string out = dir + "/night-2";

  // The terminal summary: regressions first, each naming the rig kernel's cell and a row.
  const auto reg = n2.output.find("REGRESSIONS (PASS -> FAIL)");
  ASSERT_NE(reg, std::string::npos) << n2.output;
  std::regex row_line("rig-7\\.3\\.4:vmem-1:multirange-poison:1  (d[0-9]+/[^ ]+)  PASS -> FAIL");
  std::smatch m;
  const std::string after = n2.output.substr(reg);
  ASSERT_TRUE(std::regex_search(after, m, row_line)) << n2.output;
  const std::string row = m[1];
  EXPECT_EQ(n2.output.find("debian-7.3:vmem-1:multirange-poison:1  d"), std::string::npos)
      << "the packaged kernel did not change: none of its rows may be reported\n" << n2.output;

  // The night record: only the rig kernel's cells fail, and its identity carries the patch.
  auto night2 = json_file(out + "/night.json");
  for (auto& c : night2["cells"]) {
    const bool rig = c["kernel"] == "rig-7.3.4";
    EXPECT_EQ(c["status"], rig ? "fail" : "pass") << c["key"];
    if (rig) {
      EXPECT_EQ(c["kernel_id"]["patches"], nlohmann::json::array({"fsdev-offset-from-first-range.patch"}));
    }
  }

  // JUnit: the row is a failing testcase of the rig cell's suite.
  const std::string junit = read_text(out + "/junit.xml");
  EXPECT_NE(junit.find("<testcase classname=\"rig-7.3.4:vmem-1:multirange-poison:1\" name=\"" + row + "\">\n      <failure"),
            std::string::npos) << row;

  // KCIDB: valid against the v5 rules (python3-jsonschema on the transcribed schema), the row FAIL.
  auto check = validate_kcidb(out + "/kcidb.json");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto kcidb = json_file(out + "/kcidb.json");
  std::string path = "cxlrig.multirange-poison." + row;
  std::replace(path.begin(), path.end(), '/', '.');
  bool failed = false;
  for (auto& t : kcidb["tests"])
    if (t["path"] == path && t["status"] == "FAIL" && t["misc"]["cell"] == "rig-7.3.4:vmem-1:multirange-poison:1") failed = true;
  EXPECT_TRUE(failed) << path;

  // The page, rendered by headless Chromium: a screenshot kept with the night, the DOM
  // checked for the grid and the regression.
  const std::string page = "file://" + out + "/nightly.html";
  const std::vector<std::string> chromium = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                             "--hide-scrollbars", "--window-size=1400,1800"};
  auto shot_argv = chromium;
  shot_argv.insert(shot_argv.end(), {"--screenshot=" + out + "/nightly.png", page});
  auto shot = cxlrig::run_command(shot_argv, std::chrono::seconds(120));
  EXPECT_EQ(shot.exit_code, 0) << shot.output;
  EXPECT_GT(fs::exists(out + "/nightly.png") ? fs::file_size(out + "/nightly.png") : 0, 10000u);
  auto dom_argv = chromium;
  dom_argv.insert(dom_argv.end(), {"--dump-dom", page});
  auto dom = cxlrig::run_command(dom_argv, std::chrono::seconds(120));
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  EXPECT_NE(dom.output.find("<table id=\"grid\">"), std::string::npos);
  EXPECT_NE(dom.output.find("<tr class=\"regression\" data-cell=\"rig-7.3.4:vmem-1:multirange-poison:1\" data-row=\"" + row + "\">"),
            std::string::npos) << row;
  EXPECT_NE(dom.output.find("data-cell=\"rig-7.3.4:vmem-2hb:multirange-poison:1\" data-status=\"fail\" data-red=\"1\""),
            std::string::npos);
  EXPECT_NE(dom.output.find("data-cell=\"debian-7.3:vmem-1:multirange-poison:1\" data-status=\"pass\" data-red=\"0\""),
            std::string::npos);
  EXPECT_NE(dom.output.find("<svg id=\"durations\""), std::string::npos);

  // Every cell kept its artifacts, and no guest is left behind.
  for (auto& c : night2["cells"]) {
    const std::string a = c["artifacts"];
    EXPECT_TRUE(fs::exists(a + "/results.json") && fs::exists(a + "/console.log")) << a;
    EXPECT_TRUE(leftover_qemu(a).empty()) << a;
  }
}

// A night split over two shards (two CI jobs) and folded back: one history, one page, every
// cell once; a shard that never arrived leaves its cells MISS, not silently absent.
// The first shard runs at a terminal, the second piped: at a terminal the cells show as one
// rewritten status line (cells done, ETA, failing), piped as one plain line per cell.
TEST(Nightly, ShardsMergeIntoOneNightAndMissingShardsShow) {
  const std::string dir = fresh_out_dir("nightly-shards");
  fs::create_directories(dir);
  const std::string m = matrix(dir, "matrix.json", kernel_tree(), false);
  for (auto shard : {"1/2", "2/2"}) {
    const bool tty = shard[0] == '1';
    const std::vector<std::string> args = {"nightly", m, "--shard", shard, "--night", "ci-42", "--jobs", "2"};
    const std::string out = dir + "/shard-" + std::string(1, shard[0]);
    auto r = tty ? run_cxlrig_on_tty(args, out, 3000) : run_cxlrig(args, out, 3000);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("2 of 4 cells (shard " + std::string(shard) + ")"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("no history (merge writes it)"), std::string::npos) << r.output;
    if (tty) {
      EXPECT_NE(r.output.find("\rnightly: 1/2 cells, ETA "), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("\rnightly: 2/2 cells, ETA 0s, "), std::string::npos) << r.output;
      EXPECT_EQ(r.output.find("cell 1/2 "), std::string::npos) << r.output;
    } else {
      EXPECT_NE(r.output.find("cell 1/2 "), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("cell 2/2 "), std::string::npos) << r.output;
      EXPECT_EQ(r.output.find('\r'), std::string::npos) << r.output;
    }
  }
  const std::string db = dir + "/history.sqlite";
  auto merged = run_cxlrig({"nightly", "merge", dir + "/shard-1", dir + "/shard-2", "--out", dir + "/merged", "--db", db}, "", 600);
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_NE(merged.output.find("4 cells from 2 shards"), std::string::npos) << merged.output;
  EXPECT_EQ(merged.output.find("Missing"), std::string::npos) << merged.output;
  auto night = json_file(dir + "/merged/night.json");
  ASSERT_EQ(night["cells"].size(), 4u);
  std::set<std::string> keys;
  for (auto& c : night["cells"]) keys.insert(c["key"].get<std::string>());
  EXPECT_EQ(keys.size(), 4u);
  EXPECT_NE(read_text(dir + "/merged/nightly.html").find("<table id=\"grid\">"), std::string::npos);

  auto half = run_cxlrig({"nightly", "merge", dir + "/shard-1", "--out", dir + "/half", "--db", dir + "/half.sqlite"}, "", 600);
  EXPECT_EQ(half.exit_code, 0) << half.output;
  EXPECT_NE(half.output.find("Missing (no shard ran them, 2)"), std::string::npos) << half.output;
  size_t miss = 0;
  const auto kcidb = json_file(dir + "/half/kcidb.json");
  for (auto& t : kcidb["tests"]) miss += t["status"] == "MISS";
  EXPECT_EQ(miss, 2u);
}

// A splat of a shipped kernel reaches KCIDB as an issue (citing its known issue's thread)
// and an incident, and a race cell's tally as a hit rate. Debian's packaged 7.3.4 (the locked default) runs
// mapping-while-bound, which that kernel takes and then oopses on
// (tests/vm/Reconfig_test.cpp), and one short run of race-faults-vs-mapping (no window
// patch on a packaged kernel: the hits are whatever happens, the tally is what is checked).
// Guards: dax/bus: mapping_store() -> alloc_dev_dax_range() has no dev->driver check.
TEST(Nightly, SplatsBecomeKcidbIssuesAndARaceItsHitRate) {
  const std::string dir = fresh_out_dir("nightly-splats");
  fs::create_directories(dir);
  nlohmann::json m = {{"schema", "cxlrig.matrix/1"},
                      {"name", "splats"},
                      {"kernels", {{{"name", "debian-7.3"}, {"packaged", "7.3"}}}},
                      {"topologies", {"vmem-1"}},
                      {"scenarios", {"mapping-while-bound", {{"name", "race-faults-vs-mapping"}, {"runs", 2}, {"duration", "5s"}}}}};
  std::ofstream(dir + "/matrix.json") << m.dump(2);
  const std::string out = dir + "/night";
  auto r = run_cxlrig({"nightly", dir + "/matrix.json", "--db", dir + "/history.sqlite", "--night", "splats-1", "--jobs", "1",
                       "--known", kSource + "/ci/known-issues.json"},
                      out, 1800);
  EXPECT_EQ(r.exit_code, 0) << "every failure of mapping-while-bound on 7.3.4 is in ci/known-issues.json\n" << r.output;
  auto night = json_file(out + "/night.json");
  ASSERT_EQ(night["cells"].size(), 2u);
  const auto& cell = night["cells"][0]["scenario"] == "mapping-while-bound" ? night["cells"][0] : night["cells"][1];
  const auto& race = night["cells"][0]["scenario"] == "mapping-while-bound" ? night["cells"][1] : night["cells"][0];
  ASSERT_EQ(race["command"], "race") << race.dump();
  ASSERT_EQ(race["race"]["runs"], 2) << race.dump();
  ASSERT_FALSE(cell["splats"].empty()) << "premise: Debian's 7.3.4 oopses after a `mapping` write on a bound device\n"
                                       << r.output;

  auto check = validate_kcidb(out + "/kcidb.json");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(r.output.find("kcidb.json: "), std::string::npos) << "the rig's own KCIDB check found a problem\n" << r.output;
  auto kcidb = json_file(out + "/kcidb.json");
  std::map<std::string, std::string> test_path;
  for (auto& t : kcidb["tests"]) test_path[t["id"]] = t["path"];
  std::map<std::string, std::string> issue_by_subject;
  for (auto& i : kcidb["issues"]) issue_by_subject[i["report_subject"]] = i["id"];
  for (auto& s : cell["splats"]) {
    const std::string title = s["title"];
    ASSERT_TRUE(issue_by_subject.count(title)) << title;
    bool linked = false;
    for (auto& inc : kcidb["incidents"])
      if (inc["issue_id"] == issue_by_subject[title] && inc["present"] == true &&
          test_path[inc["test_id"]] == "cxlrig.mapping-while-bound.splat" && inc["misc"]["cell"] == cell["key"])
        linked = true;
    EXPECT_TRUE(linked) << "no incident links " << title << " to the cell's splat test";
  }
  EXPECT_EQ(kcidb["issues"].size(), issue_by_subject.size()) << "one issue per title";
  // Both Oopses are known issues: each KCIDB issue cites the known entry and its thread.
  for (auto& i : kcidb["issues"]) {
    EXPECT_FALSE(i["misc"].value("known_issue", "").empty()) << i.dump();
    EXPECT_EQ(i.value("report_url", "").rfind("https://lore.kernel.org/", 0), 0u) << i.dump();
  }

  // The race cell: its runs' rows, and one DONE test holding hits/runs as its number.
  unsigned hit_rate_tests = 0;
  for (auto& t : kcidb["tests"]) {
    if (t["path"] != "cxlrig.race-faults-vs-mapping.hit_rate") continue;
    ++hit_rate_tests;
    EXPECT_EQ(t["status"], "DONE");
    EXPECT_EQ(t["misc"]["runs"], 2);
    EXPECT_EQ(t["misc"]["hits"], race["race"]["hits"]);
    EXPECT_DOUBLE_EQ(t["number"]["value"].get<double>(), race["race"]["hits"].get<double>() / 2);
  }
  EXPECT_EQ(hit_rate_tests, 1u);
  const std::string hits = "data-hits=\"" + race["race"]["hits"].dump() + "\" data-runs=\"2\">hit ";
  EXPECT_NE(read_text(out + "/nightly.html").find(hits), std::string::npos) << hits;
}
