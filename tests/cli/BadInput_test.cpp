// Bad input ends with exit 2, a message naming the field and the fix, and the artifacts dir
// still holding results.json (no guest is started for any of these).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "RunHarness.h"

using namespace cxlrig::test;

TEST(BadInput, UnknownFlagIsUsageError) {
  auto r = run_cxlrig({"run", "--no-such-flag"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
}

TEST(BadInput, BadFlagValueIsUsageError) {
  auto r = run_cxlrig({"run", "--seed", "twelve"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_cxlrig({"run", "--accel", "hvf"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(BadInput, PvhBootOnAKernelWithoutTheEntryNamesBootAndKeepsArtifacts) {
  auto r = run_cxlrig({"run", "--boot", "elf"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  auto dir = fresh_out_dir("bad-boot");
  const std::string image = dir + ".not-a-bzimage";
  std::ofstream(image) << std::string(8192, 'k');
  r = run_cxlrig({"run", "--kernel-image", image, "--boot", "pvh"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--boot"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not a bzImage"), std::string::npos) << r.output;
  ASSERT_FALSE(r.results.is_null()) << "results.json must be written for bad input too";
  EXPECT_EQ(r.results["exit_code"], 2);
}

TEST(BadInput, MalformedTopologyNamesTheFieldAndKeepsArtifacts) {
  auto dir = fresh_out_dir("bad-topology");
  std::string topo = dir + ".topology.json";
  std::ofstream(topo) << R"({"name":"bad","backends":[{"id":"m","type":"ram","size":"512M"}],
    "host_bridges":[{"id":"hb","bus_nr":12}],"root_ports":[{"id":"rp","bus":"hb","port":0,"slot":2}],
    "type3":[{"id":"d","bus":"no-such-port","volatile_memdev":"m","serial":1}],
    "windows":[{"targets":["hb"],"size":"4G"}],"regions":[{"memdevs":[1]}]})";
  auto r = run_cxlrig({"run", "--topology", topo}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  ASSERT_FALSE(r.results.is_null()) << "results.json must be written for bad input too";
  EXPECT_EQ(r.results["exit_code"], 2);
  EXPECT_NE(r.results["error"].get<std::string>().find("type3[0].bus"), std::string::npos) << r.results["error"];
  EXPECT_TRUE(r.has("junit.xml"));
}

// A file that parses but whose devices cannot form the region's interleave (three devices
// under one bridge of a 2-bridge window) is refused before anything boots.
TEST(BadInput, RegionTheDevicesCannotFormIsRefusedBeforeBoot) {
  auto dir = fresh_out_dir("bad-region-plan");
  std::string topo = dir + ".topology.json";
  std::ofstream(topo) << R"({"name":"uneven","backends":[
      {"id":"a","type":"ram","size":"512M"},{"id":"b","type":"ram","size":"512M"},
      {"id":"c","type":"ram","size":"512M"},{"id":"d","type":"ram","size":"512M"}],
    "host_bridges":[{"id":"hb0","bus_nr":12},{"id":"hb1","bus_nr":40}],
    "root_ports":[{"id":"p0","bus":"hb0","port":0,"slot":2},{"id":"p1","bus":"hb0","port":1,"slot":3},
                  {"id":"p2","bus":"hb0","port":2,"slot":4},{"id":"p3","bus":"hb1","port":0,"slot":5}],
    "type3":[{"id":"d0","bus":"p0","volatile_memdev":"a","serial":1},{"id":"d1","bus":"p1","volatile_memdev":"b","serial":2},
             {"id":"d2","bus":"p2","volatile_memdev":"c","serial":3},{"id":"d3","bus":"p3","volatile_memdev":"d","serial":4}],
    "windows":[{"targets":["hb0","hb1"],"size":"4G"}],"regions":[{"memdevs":[1,2,3,4]}]})";
  auto r = run_cxlrig({"run", "--topology", topo}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.results["booted"], false);
  EXPECT_NE(r.results["error"].get<std::string>().find("uneven.regions[0].memdevs"), std::string::npos) << r.results["error"];
  EXPECT_NE(r.results["error"].get<std::string>().find("host bridge \"hb0\" has 3"), std::string::npos) << r.results["error"];
  EXPECT_TRUE(r.has("junit.xml"));
}

TEST(BadInput, UnparsableTopologyFile) {
  auto dir = fresh_out_dir("unparsable-topology");
  std::string topo = dir + ".topology.json";
  std::ofstream(topo) << "{ not json";
  auto r = run_cxlrig({"run", "--topology", topo}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("malformed JSON"), std::string::npos) << r.output;
}

TEST(BadInput, MissingKernelImage) {
  auto dir = fresh_out_dir("missing-kernel");
  auto r = run_cxlrig({"run", "--kernel-image", "/nonexistent/bzImage"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--kernel-image"), std::string::npos) << r.output;
  EXPECT_TRUE(r.has("results.json"));
}

TEST(BadInput, UnknownKernelSeriesListsTheChoices) {
  auto dir = fresh_out_dir("unknown-series");
  auto r = run_cxlrig({"run", "--kernel", "5.10"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("7.3"), std::string::npos) << r.output;
}

TEST(BadInput, UnknownScenario) {
  auto dir = fresh_out_dir("unknown-scenario");
  auto r = run_cxlrig({"run", "--scenario", "no-such-scenario"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no-such-scenario"), std::string::npos) << r.output;
}

TEST(BadInput, ExistingRunDirIsNotOverwritten) {
  auto dir = fresh_out_dir("existing-run");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/results.json") << "{\"keep\":true}";
  auto r = run_cxlrig({"run"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(load_results(dir)["keep"], true);
}

TEST(Topo, ShowPrintsTheQemuCommand) {
  auto r = run_cxlrig({"topo", "show", "vmem-1"}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("cxl-type3,bus=root_port13"), std::string::npos) << r.output;
  r = run_cxlrig({"topo", "show", "no-such-topology"}, "");
  EXPECT_EQ(r.exit_code, 2);
}

// Every shipped topology's libvirt domain must pass libvirt's own schema (virt-xml-validate,
// installed by ci/install-deps from bookworm-backports).
TEST(Topo, LibvirtXmlOfEveryShippedTopologyValidates) {
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(std::string(CXLRIG_DATA_DIR) + "/qemu-configs")) {
    const std::string name = e.path().stem().string();
    auto r = run_cxlrig({"topo", "show", name, "--libvirt-xml"}, "");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string path = ::testing::TempDir() + "/" + name + ".xml";
    std::ofstream(path) << r.output;
    const std::string cmd = "virt-xml-validate " + path + " domain > " + path + ".log 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << name << ":\n" << r.output;
    ++n;
  }
  EXPECT_GE(n, 6);
}

TEST(BadInput, UnknownInjectPathNamesTheFlagAndTheChoices) {
  auto dir = fresh_out_dir("bad-inject");
  auto r = run_cxlrig({"run", "--inject", "madvise,mce"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--inject"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mce_ar"), std::string::npos) << r.output;
  EXPECT_TRUE(r.has("results.json"));
}

TEST(BadInput, ZeroLayoutsIsUsageError) {
  auto dir = fresh_out_dir("zero-layouts");
  auto r = run_cxlrig({"run", "--layouts", "0"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--layouts"), std::string::npos) << r.output;
}

TEST(BadInput, MalformedScenarioNamesTheField) {
  auto dir = fresh_out_dir("bad-scenario");
  std::string sc = dir + ".scenario.json";
  std::ofstream(sc) << R"({"kind":"layout_poison","name":"x","topology":"vmem-1","devices":[{"driver":"fsdev_dax","ranges":[4,2]}]})";
  auto r = run_cxlrig({"run", "--scenario", sc}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("devices[0].ranges"), std::string::npos) << r.output;
  std::ofstream(sc) << R"({"kind":"layout_poison","name":"x","topology":"vmem-1","devices":[{"driver":"fsdev_dax","paths":["madvise"]}]})";
  r = run_cxlrig({"run", "--scenario", sc}, fresh_out_dir("bad-scenario-2"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("devices[0].paths"), std::string::npos) << r.output;
}

TEST(BadInput, UnknownBackendNamesTheFlagAndTheChoices) {
  auto dir = fresh_out_dir("bad-backend");
  auto r = run_cxlrig({"run", "--backend", "xen"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  ASSERT_FALSE(r.results.is_null());
  const std::string err = r.results["error"];
  EXPECT_NE(err.find("--backend"), std::string::npos) << err;
  EXPECT_NE(err.find("libvirt"), std::string::npos) << err;
}

TEST(BadInput, ConnectWithoutTheLibvirtBackend) {
  auto dir = fresh_out_dir("connect-direct");
  auto r = run_cxlrig({"run", "--connect", "qemu:///session"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  ASSERT_FALSE(r.results.is_null());
  EXPECT_NE(r.results["error"].get<std::string>().find("--connect"), std::string::npos) << r.results["error"];
}

TEST(BadInput, BisectNeedsATreeOrPackaged) {
  auto r = run_cxlrig({"bisect", "--good", "v7.2", "--bad", "v7.3"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--tree"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--packaged"), std::string::npos) << "names the other way\n" << r.output;
}

TEST(BadInput, PackagedBisectRefusesATreeOrAKernel) {
  auto a = run_cxlrig({"bisect", "--packaged", "--tree", "/tmp", "--good", "7.2.12", "--bad", "7.3.4"}, "");
  EXPECT_EQ(a.exit_code, 2) << a.output;
  EXPECT_NE(a.output.find("--tree"), std::string::npos) << a.output;
  auto b = run_cxlrig({"bisect", "--packaged", "--kernel", "7.3", "--good", "7.2.12", "--bad", "7.3.4"}, "");
  EXPECT_EQ(b.exit_code, 2) << b.output;
  EXPECT_NE(b.output.find("--kernel"), std::string::npos) << b.output;
}

// A typo in `requires` used to parse, turn 19 rows into SKIP and exit 0.
TEST(BadInput, RequiresTypoNamesTheFieldAndListsTheKeys) {
  auto dir = fresh_out_dir("requires-typo");
  std::string sc = dir + ".scenario.json";
  std::ofstream(sc) << R"({"kind":"layout_poison","name":"x","topology":"vmem-1",
    "devices":[{"driver":"fsdev_dax","requires":["driver:fsdev-dax"]}]})";
  auto r = run_cxlrig({"run", "--scenario", sc}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("devices[0].requires[0]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("driver:fsdev_dax"), std::string::npos) << "lists the known keys\n" << r.output;
  EXPECT_EQ(r.results["booted"], false);
}

// "-4G" went through stoull() as 2^64 - 4 GiB and ended as exit 125 "cannot set up guest memory".
TEST(BadInput, NegativeBackendSizeNamesTheField) {
  auto dir = fresh_out_dir("negative-size");
  std::string topo = dir + ".topology.json";
  std::ofstream(topo) << R"({"name":"neg","backends":[{"id":"m","type":"ram","size":"-4G"}],
    "host_bridges":[{"id":"hb","bus_nr":12}],"root_ports":[{"id":"rp","bus":"hb","port":0,"slot":2}],
    "type3":[{"id":"d","bus":"rp","volatile_memdev":"m","serial":1}],
    "windows":[{"targets":["hb"],"size":"4G"}],"regions":[{"memdevs":[1]}]})";
  auto r = run_cxlrig({"run", "--topology", topo}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("backends[0].size"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("negative"), std::string::npos) << r.output;
}

TEST(BadInput, ZeroTimeoutIsUsageError) {
  auto r = run_cxlrig({"run", "--timeout", "0"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--timeout"), std::string::npos) << r.output;
}

// The kind says which region it needs; a topology that builds the other one is refused
// before anything boots.
TEST(BadInput, ScenarioKindOnTheWrongTopologyNamesTheFlag) {
  auto dir = fresh_out_dir("kind-topology");
  auto r = run_cxlrig({"run", "--scenario", "pmem-static", "--topology", "vmem-1"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--topology"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("needs a pmem region"), std::string::npos) << r.output;
  r = run_cxlrig({"run", "--scenario", "dcd-extents", "--topology", "vmem-1"}, fresh_out_dir("kind-topology-2"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no dynamic capacity device"), std::string::npos) << r.output;
}

// `cxlrig race` needs a race scenario; its flags mean nothing to other kinds; a race's own
// fields are checked before any build or boot.
TEST(BadInput, RaceFlagsAndScenariosAreChecked) {
  auto r = run_cxlrig({"race"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--scenario"), std::string::npos) << r.output;

  auto dir = fresh_out_dir("race-not-a-race");
  r = run_cxlrig({"race", "--scenario", "multirange-poison"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("multirange-poison is a layout_poison scenario, not a race"), std::string::npos) << r.output;
  ASSERT_FALSE(r.results.is_null());

  r = run_cxlrig({"run", "--runs", "3"}, fresh_out_dir("race-runs-on-run"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--runs: only applies to a race scenario"), std::string::npos) << r.output;

  r = run_cxlrig({"race", "--scenario", "race-mapping-vs-fsdev-mf", "--runs", "0"}, fresh_out_dir("race-runs-0"));
  EXPECT_EQ(r.exit_code, 2) << r.output;

  dir = fresh_out_dir("race-bad-window");
  const std::string file = dir + ".race.json";
  std::ofstream(file) << R"({"kind": "race", "name": "w", "topology": "vmem-1",
    "race": {"driver": "fsdev_dax", "stressors": [{"action": "grow_mapping"}, {"action": "poison", "path": "corrupt_pfn"}],
             "expect": ["KASAN: *"], "window": ["no-such.patch"]}})";
  r = run_cxlrig({"race", "--scenario", file}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("w.race.window[0]"), std::string::npos) << r.output;
}

namespace {
std::string short_matrix(const std::string& dir, const std::string& extra = "") {
  std::filesystem::create_directories(dir);
  const std::string p = dir + "/matrix.json";
  std::ofstream(p) << R"({"schema": "cxlrig.matrix/1", "name": "t", "kernels": [{"name": "k", "packaged": "7.3"}],
    "topologies": ["vmem-1"], "scenarios": ["multirange-poison"])" << extra << "}";
  return p;
}
}  // namespace

TEST(BadInput, NightlyMatrixErrorsNameTheFieldAndRunNothing) {
  auto dir = fresh_out_dir("bad-matrix");
  auto r = run_cxlrig({"nightly", short_matrix(dir, R"(, "seeds": ["one"])"), "--db", dir + "/h.sqlite"}, dir + "/night");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("matrix.json.seeds[0]"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/night/cells")) << "no cell may start on a bad matrix";
  r = run_cxlrig({"nightly", short_matrix(dir, R"(, "exclude": [{"kernel": "k", "reason": "x"}])")}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("matrix.json.exclude: leaves no cell"), std::string::npos) << r.output;
  // A scenario that cannot run on a topology of the matrix: refused before anything runs.
  std::ofstream(dir + "/pmem.json") << R"({"schema": "cxlrig.matrix/1", "name": "t", "kernels": [{"name": "k", "packaged": "7.3"}],
    "topologies": ["vmem-1", "pmem-1"], "scenarios": ["multirange-poison"]})";
  r = run_cxlrig({"nightly", dir + "/pmem.json", "--db", dir + "/h.sqlite"}, dir + "/night-pmem");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("pmem.json cell k:pmem-1:multirange-poison:1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"exclude\""), std::string::npos) << "the fix names the exclusion\n" << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/night-pmem/cells"));
  r = run_cxlrig({"nightly", dir + "/no-such.json"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_cxlrig({"nightly", short_matrix(dir), "--shard", "3/2"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--shard"), std::string::npos) << r.output;
}

TEST(BadInput, NightlyRefusesACorruptHistoryAndKeepsIt) {
  auto dir = fresh_out_dir("bad-history");
  const std::string db = dir + "/history.sqlite";
  std::filesystem::create_directories(dir);
  std::ofstream(db) << "garbage that is somebody's history\n";
  auto r = run_cxlrig({"nightly", short_matrix(dir), "--db", db}, dir + "/night");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(db), std::string::npos) << "the error names the file\n" << r.output;
  EXPECT_NE(r.output.find("move the file aside"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(db), "garbage that is somebody's history\n") << "never replaced by a fresh history";
}

TEST(BadInput, NightlyMergeChecksItsShards) {
  auto dir = fresh_out_dir("bad-merge");
  std::filesystem::create_directories(dir + "/a");
  auto r = run_cxlrig({"nightly", "merge", dir + "/a", "--out", dir + "/m", "--db", dir + "/h.sqlite"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("has no night.json"), std::string::npos) << r.output;
  std::ofstream(dir + "/a/night.json") << R"({"schema": "cxlrig.night/1", "id": "n1", "matrix": "t", "cells": []})";
  std::filesystem::create_directories(dir + "/b");
  std::ofstream(dir + "/b/night.json") << R"({"schema": "cxlrig.night/1", "id": "n2", "matrix": "t", "cells": []})";
  r = run_cxlrig({"nightly", "merge", dir + "/a", dir + "/b", "--out", dir + "/m", "--db", dir + "/h.sqlite"}, "");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("same --night"), std::string::npos) << r.output;
}
