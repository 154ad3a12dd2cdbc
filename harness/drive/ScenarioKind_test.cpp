// Every scenario kind driven by the scripted fake guest, with no VM: the calls it makes in
// order, and the rows it produces.
#include "ScenarioKind.h"

#include <gtest/gtest.h>

#include <set>

#include "FakeGuest.h"
#include "RaceCheck.h"
#include "RaceReport.h"
#include "ScenarioRunner.h"
#include "TraceParser.h"
#include "Vm.h"

using namespace cxlrig;
using cxlrig::test::FakeGuest;
using nlohmann::json;

namespace {

Topology topology(const std::string& name) {
  return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/" + name + ".json");
}

struct KindRun {
  Topology topo;
  Scenario scenario;
  ScenarioOptions options;
  ScenarioOutcome out;
  std::unique_ptr<FakeGuest> guest;

  KindRun(const std::string& topo_name, const json& scenario_json) : topo(topology(topo_name)) {
    scenario = parse_scenario(scenario_json, "test.json");
    options.region = plan_region(topo, 0);
    options.reproduce_prefix = "cxlrig run --scenario test.json";
    options.modules = {"cxl_acpi", "device_dax"};
    guest = std::make_unique<FakeGuest>(options.region);
  }
  void go() { ScenarioRunner(*guest, scenario, topo, options, out).run(); }
  size_t rows(Verdict v) const {
    return std::count_if(out.rows.begin(), out.rows.end(), [&](auto& r) { return r.verdict == v; });
  }
  const CheckRow* row(const std::string& key) const {
    for (auto& r : out.rows)
      if (r.key == key) return &r;
    return nullptr;
  }
};

json layout_scenario() {
  return json::parse(R"({"kind": "layout_poison", "name": "t", "topology": "vmem-1",
    "devices": [{"driver": "fsdev_dax", "ranges": 3, "requires": ["driver:fsdev_dax"]},
                {"driver": "device_dax", "ranges": 2}],
    "outside": {"device": 0, "path": "hard_offline"}})");
}

// The calls of one run, without the repeated injections.
std::vector<std::string> distinct_in_order(const std::vector<std::string>& calls) {
  std::vector<std::string> out;
  for (auto& c : calls)
    if (out.empty() || out.back() != c) out.push_back(c);
  return out;
}

}  // namespace

// A window settles on the kernel's word (agent/Quiet.h) only where both memory_failure()
// probes are armed; without the return probe it keeps the fixed settle.
TEST(LayoutPoisonKind, WindowsSettleOnReturnedCallsOnlyWithBothProbes) {
  for (bool ret_armed : {true, false}) {
    KindRun r("vmem-1", layout_scenario());
    r.options.inject = {PoisonPath::kCorruptPfn, PoisonPath::kHardOffline, PoisonPath::kMadvise};
    r.guest->on("kprobes_arm", [&](const json& args) {
      proto::KprobesArm::Reply out;
      for (auto& p : args.at("probes")) {
        const std::string ev = p.at("event").get<std::string>();
        if (ret_armed || ev != kMemoryFailureReturnEvent) out.armed.push_back(ev);
        else out.failed.push_back({ev, ENOENT, "kretprobe refused"});
      }
      return json(out);
    });
    r.go();
    size_t injections = 0;
    for (size_t i = 0; i < r.guest->calls.size(); ++i) {
      if (r.guest->calls[i] != "inject") continue;
      ++injections;
      const json& calls = r.guest->call_args[i].at("collect").at("calls");
      if (ret_armed)
        EXPECT_EQ(calls, json::array({kMemoryFailureEvent, kMemoryFailureReturnEvent}));
      else
        EXPECT_TRUE(calls.is_null()) << calls;
    }
    EXPECT_GT(injections, 0u);
  }
}

TEST(LayoutPoisonKind, FixedKernelPassesEveryRowInOrder) {
  KindRun r("vmem-1", layout_scenario());
  r.options.inject = {PoisonPath::kCorruptPfn, PoisonPath::kHardOffline, PoisonPath::kMadvise};
  r.go();
  const std::vector<std::string> want = {"ready", "load_modules", "info", "kprobes_arm", "cxl_create_region",
                                         "dax_layout", "dax_bind", "dax_create", "dax_layout", "dax_bind",
                                         "dax_mmap", "holder", "inject", "holder", "dax_teardown"};
  EXPECT_EQ(distinct_in_order(r.guest->calls), want);
  // cxlrig_holder held the fsdev device for its injections and let go before the teardown.
  EXPECT_EQ(r.guest->count("holder"), 2u);
  EXPECT_EQ(r.guest->call_args[std::find(r.guest->calls.begin(), r.guest->calls.end(), "dax_teardown") -
                               r.guest->calls.begin() - 1]["device"],
            "");
  for (auto& row : r.out.rows)
    if (row.point != "readback" && row.point != "topology") {
      const bool fsdev_inside = row.driver == "fsdev_dax" && row.range.has_value();
      ASSERT_EQ(row.cell("holder") != nullptr, row.driver == "fsdev_dax") << row.key;
      if (fsdev_inside) {
        EXPECT_EQ(row.cell("holder")->observed, row.cell("notify")->observed) << row.key;
      }
    }
  // region + 2 readbacks + 3x3 fsdev points + 2x3 device_dax points + the outside page.
  EXPECT_EQ(r.out.rows.size(), 1u + 2u + 9u + 6u + 1u);
  EXPECT_EQ(r.rows(Verdict::kPass), r.out.rows.size());
  for (auto& row : r.out.rows) EXPECT_EQ(row.verdict, Verdict::kPass) << row.key << ": " << row.reason;
  EXPECT_NE(r.row("region0/topology"), nullptr);
  EXPECT_NE(r.row("d0/s1/readback"), nullptr);
  EXPECT_NE(r.row("d0/s1/hole/outside/hard_offline"), nullptr);
  EXPECT_TRUE(r.out.reproduce.empty());
  // The device_dax device was mapped with every target faulted in.
  const auto& mmap = r.guest->call_args[std::find(r.guest->calls.begin(), r.guest->calls.end(), "dax_mmap") - r.guest->calls.begin()];
  EXPECT_EQ(mmap["touch"].size(), 6u);
}

// Stable keys: built from what the rig asked for, unique, and the same on every run.
TEST(LayoutPoisonKind, RowKeysAreUniqueAndIndependentOfKernelNames) {
  KindRun a("vmem-1", layout_scenario());
  a.options.layouts = 3;
  a.go();
  std::set<std::string> keys;
  for (auto& row : a.out.rows) {
    EXPECT_TRUE(keys.insert(row.key).second) << "duplicate key " << row.key;
    EXPECT_EQ(row.key.find("dax"), std::string::npos) << row.key;
  }
  KindRun b("vmem-1", layout_scenario());
  b.options.layouts = 3;
  b.guest->on("dax_create", [n = 7](const json&) mutable { return json{{"device", "dax9." + std::to_string(n++)}}; });
  b.go();
  ASSERT_EQ(a.out.rows.size(), b.out.rows.size());
  for (size_t i = 0; i < a.out.rows.size(); ++i) EXPECT_EQ(a.out.rows[i].key, b.out.rows[i].key);
  const CheckRow* da = a.row("d1/s1/readback");
  const CheckRow* db = b.row("d1/s1/readback");
  ASSERT_TRUE(da && db);
  EXPECT_NE(da->id, db->id) << "ids name the kernel's devices, keys do not";
}

TEST(LayoutPoisonKind, OldFsdevOffsetFailsAndPrintsAReproduceLine) {
  KindRun r("vmem-1", layout_scenario());
  r.options.inject = {PoisonPath::kCorruptPfn};
  r.options.seed = 5;
  r.guest->fsdev_offset_from_first_range = true;
  r.go();
  size_t failed = 0;
  for (auto& row : r.out.rows)
    if (row.verdict == Verdict::kFail) {
      ++failed;
      EXPECT_EQ(row.driver, "fsdev_dax");
      EXPECT_NE(*row.range, 0u) << "the first range's offsets are right either way";
      EXPECT_EQ(row.cell("notify")->verdict, Verdict::kFail);
      // What the filesystem is told is the same wrong offset.
      ASSERT_NE(row.cell("holder"), nullptr);
      EXPECT_EQ(row.cell("holder")->verdict, Verdict::kFail);
      EXPECT_NE(row.reason.find("holder: the holder was told offset"), std::string::npos) << row.reason;
    }
  EXPECT_EQ(failed, 6u);
  ASSERT_EQ(r.out.reproduce.size(), 1u);
  EXPECT_EQ(r.out.reproduce[0].rfind("cxlrig run --scenario test.json --seed 5 --layouts 1", 0), 0u) << r.out.reproduce[0];
}

// Debian's kernels carry no cxlrig_holder: the kprobe is then fsdev's only observer.
TEST(LayoutPoisonKind, WithoutTheHolderModuleNothingHoldsAndNoHolderCell) {
  KindRun r("vmem-1", layout_scenario());
  r.options.inject = {PoisonPath::kCorruptPfn};
  r.guest->caps["module:cxlrig_holder"] = false;
  r.go();
  EXPECT_EQ(r.guest->count("holder"), 0u);
  for (auto& row : r.out.rows) {
    EXPECT_EQ(row.cell("holder"), nullptr) << row.key;
    EXPECT_EQ(row.verdict, Verdict::kPass) << row.key << ": " << row.reason;
  }
}

TEST(LayoutPoisonKind, KernelWithoutMadviseSkipsThoseRows) {
  KindRun r("vmem-1", layout_scenario());
  r.options.inject = {PoisonPath::kMadvise, PoisonPath::kCorruptPfn};
  r.guest->caps["syscall:madvise"] = false;
  r.go();
  size_t skipped = 0;
  for (auto& row : r.out.rows) {
    if (row.path != "madvise") {
      EXPECT_NE(row.verdict, Verdict::kFail) << row.key << ": " << row.reason;
      continue;
    }
    ++skipped;
    EXPECT_EQ(row.verdict, Verdict::kSkip);
    EXPECT_NE(row.reason.find("madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS"), std::string::npos) << row.reason;
  }
  EXPECT_GE(skipped, 2u);
  EXPECT_EQ(r.guest->count("inject"), r.out.rows.size() - 3 - skipped) << "a skipped row injects nothing";
}

TEST(LayoutPoisonKind, MissingDriverSkipsTheDeviceWithTheConfigOption) {
  KindRun r("vmem-1", layout_scenario());
  r.guest->caps["driver:fsdev_dax"] = false;
  r.go();
  for (auto& row : r.out.rows)
    if (row.driver == "fsdev_dax") {
      EXPECT_EQ(row.verdict, Verdict::kSkip) << row.key;
      EXPECT_NE(row.reason.find("CONFIG_DEV_DAX_FSDEV"), std::string::npos) << row.reason;
    }
}

TEST(LayoutPoisonKind, RefusedSetupStepIsAFailRowAndTheRunGoesOn) {
  KindRun r("vmem-1", layout_scenario());
  r.guest->on("dax_bind", [](const json& a) -> json {
    if (a["driver"] == "fsdev_dax")
      throw AgentStepError(AgentFailure{"dax_bind", {"write failed", 6, "/sys/bus/dax/drivers/fsdev_dax/new_id", "dax0.0"}});
    return a;
  });
  r.go();
  const CheckRow* setup = r.row("d0/s1/setup/dax_bind");
  ASSERT_NE(setup, nullptr);
  EXPECT_EQ(setup->verdict, Verdict::kFail);
  EXPECT_GT(r.guest->count("inject"), 0u) << "the device_dax device is still poisoned";
}

TEST(LayoutPoisonKind, MalformedReplyIsBadInputNotARow) {
  KindRun r("vmem-1", layout_scenario());
  r.guest->on("dax_layout", [](const json&) { return json{{"device", "dax0.0"}, {"size", 0}, {"align", 4096}}; });
  try {
    r.go();
    FAIL() << "accepted a dax_layout reply without ranges";
  } catch (const MalformedReply& e) {
    EXPECT_NE(std::string(e.what()).find("malformed guest reply to dax_layout"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ranges"), std::string::npos) << e.what();
  }
}

TEST(StaticDeviceKind, BindsTheNamespaceDeviceToEachDriverInTurn) {
  KindRun r("pmem-1", json::parse(R"({"kind": "static_device", "name": "p", "topology": "pmem-1",
    "devices": [{"driver": "fsdev_dax"}, {"driver": "device_dax"}]})"));
  r.options.inject = {PoisonPath::kCorruptPfn};
  r.go();
  EXPECT_EQ(r.guest->count("nd_devdax_create"), 1u);
  EXPECT_EQ(r.guest->count("dax_create"), 0u) << "the static device is the only one";
  std::vector<json> binds;
  for (size_t i = 0; i < r.guest->calls.size(); ++i)
    if (r.guest->calls[i] == "dax_bind") binds.push_back(r.guest->call_args[i]);
  ASSERT_EQ(binds.size(), 2u);
  EXPECT_EQ(binds[0]["driver"], "fsdev_dax");
  EXPECT_EQ(binds[1]["driver"], "device_dax");
  for (size_t i = 0; i < r.guest->calls.size(); ++i)
    if (r.guest->calls[i] == "dax_layout") {
      EXPECT_TRUE(r.guest->call_args[i]["ranges"].empty()) << "read back, never written";
    }
  EXPECT_NE(r.row("d0/s1/r0/first/corrupt_pfn"), nullptr);
  EXPECT_NE(r.row("d1/s1/r0/first/corrupt_pfn"), nullptr);
  for (auto& row : r.out.rows) EXPECT_EQ(row.verdict, Verdict::kPass) << row.key << ": " << row.reason;
  EXPECT_EQ(r.out.layouts[0]["data_offset"], 18ull << 20);
}

TEST(DcdKind, PendingExtentsSkipWithReasonRefusalsPassAndTheFallbackRuns) {
  KindRun r("dcd-1", json::parse(R"({"kind": "dcd", "name": "d", "topology": "dcd-1",
    "dcd": {"region": 0, "extents": [{"offset": "256M", "len": "64M"}, {"offset": "0", "len": "128M"}]}})"));
  r.options.inject = {PoisonPath::kHardOffline};
  r.guest->on_qmp("cxl-release-dynamic-capacity", [](const json& a) {
    const bool pending = a["extents"][0]["offset"] == 256ull << 20;
    return QmpMessage{QmpMessage::kError, std::nullopt,
                      {{"class", "GenericError"},
                       {"desc", pending ? "cannot release extent with pending DPA range" : "non-existing DPA range"}},
                      ""};
  });
  r.go();
  const std::vector<std::string> qmp = {"qmp:cxl-add-dynamic-capacity", "qmp:cxl-release-dynamic-capacity",
                                        "qmp:cxl-release-dynamic-capacity"};
  std::vector<std::string> seen;
  for (auto& c : r.guest->calls)
    if (c.rfind("qmp:", 0) == 0) seen.push_back(c);
  EXPECT_EQ(seen, qmp);
  EXPECT_EQ(r.row("dcd/add")->verdict, Verdict::kPass);
  EXPECT_EQ(r.row("dcd/extents")->verdict, Verdict::kSkip);
  EXPECT_NE(r.row("dcd/extents")->reason.find("no Linux DCD support"), std::string::npos);
  EXPECT_EQ(r.row("dcd/release-pending")->verdict, Verdict::kPass);
  EXPECT_EQ(r.row("dcd/release-unknown")->verdict, Verdict::kPass);
  ASSERT_NE(r.row("dcd-fallback/d0/s1/readback"), nullptr);
  EXPECT_EQ(r.row("dcd-fallback/d0/s1/readback")->verdict, Verdict::kPass);
  EXPECT_EQ(r.out.layouts[0]["ranges"][0]["start"].get<uint64_t>() - r.guest->region_base(), 256ull << 20);
}

TEST(DcdKind, ReleaseThatQemuAcceptsFails) {
  KindRun r("dcd-1", json::parse(R"({"kind": "dcd", "name": "d", "topology": "dcd-1",
    "dcd": {"extents": [{"offset": "0", "len": "2M"}]}})"));
  r.go();  // the fake's QMP accepts everything
  EXPECT_EQ(r.row("dcd/release-pending")->verdict, Verdict::kFail);
  EXPECT_NE(r.row("dcd/release-pending")->reason.find("instead of refusing"), std::string::npos);
}

TEST(RangeLimitKind, AsksForTheScenariosDriverAndJudgesTheCount) {
  auto scenario = json::parse(R"({"kind": "range_limit", "name": "l", "topology": "vmem-1",
    "range_limit": {"driver": "fsdev_dax", "granule": "2M", "at_least": 256}})");
  for (uint64_t accepted : {2048u, 100u}) {
    KindRun r("vmem-1", scenario);
    json sent;
    r.guest->on("dax_range_limit", [&](const json& a) {
      sent = a;
      return json(proto::DaxRangeLimit::Reply{accepted, accepted, 0, "end of region", 0});
    });
    r.go();
    EXPECT_EQ(sent["driver"], "fsdev_dax") << "the driver comes from the scenario";
    EXPECT_EQ(sent["granule"], 2ull << 20);
    EXPECT_EQ(sent["start"].get<uint64_t>() % (2ull << 20), 0u);
    const CheckRow* row = r.row("range-limit/fsdev_dax");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->verdict, accepted >= 256 ? Verdict::kPass : Verdict::kFail) << accepted;
  }
}

TEST(ScenarioRunner, UnmetScenarioRequirementIsOneSkipRow) {
  auto j = layout_scenario();
  j["requires"] = {"kernel:kcsan"};
  KindRun r("vmem-1", j);
  r.go();
  ASSERT_EQ(r.out.rows.size(), 2u);  // the region, and the scenario's skip
  EXPECT_EQ(r.out.rows[1].verdict, Verdict::kSkip);
  EXPECT_NE(r.out.rows[1].reason.find("CONFIG_KCSAN"), std::string::npos);
  EXPECT_EQ(r.guest->count("dax_layout"), 0u);
}

namespace {
json reconfig_scenario() {
  return json::parse(R"({"kind": "reconfig", "name": "r", "topology": "vmem-1",
    "reconfig": {"drivers": ["device_dax", "fsdev_dax"], "ranges": 1, "range_size": "2M"}})");
}
}  // namespace

// Debian's 7.3.4: the `mapping` write is taken while bound, and the store into the new
// range oopses in dax_set_mapping: both are FAIL rows, the Oops named in the second.
TEST(ReconfigKind, DeviceDaxTakesTheWriteAndTheTouchOopses) {
  KindRun r("vmem-1", reconfig_scenario());
  ConsoleScanner console;
  r.guest->console = &console;
  r.options.console = &console;
  r.options.guest = 0;
  r.go();
  EXPECT_EQ(r.row("reconfig/device_dax/size-while-bound")->verdict, Verdict::kPass);
  const CheckRow* write = r.row("reconfig/device_dax/mapping-while-bound");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->verdict, Verdict::kFail);
  EXPECT_NE(write->reason.find("0x200000 -> 0x400000"), std::string::npos) << write->reason;
  const CheckRow* touch = r.row("reconfig/device_dax/touch-new-range");
  ASSERT_NE(touch, nullptr);
  EXPECT_EQ(touch->verdict, Verdict::kFail);
  EXPECT_NE(touch->reason.find("BUG: unable to handle kernel paging request in dax_set_mapping"), std::string::npos)
      << touch->reason;
  EXPECT_EQ(touch->details["splats"].size(), 1u);
  EXPECT_EQ(r.row("reconfig/device_dax/unbind-after-growth"), nullptr) << "nothing runs after the Oops";
  // The write went to the range after the device's, while it was bound.
  std::vector<json> writes;
  for (size_t i = 0; i < r.guest->calls.size(); ++i)
    if (r.guest->calls[i] == "dax_write") writes.push_back(r.guest->call_args[i]);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0]["attr"], "size");
  EXPECT_EQ(writes[1]["attr"], "mapping");
}

TEST(ReconfigKind, FsdevPoisonOfTheNewRangeIsNotReportedAndTheUnbindOopses) {
  KindRun r("vmem-1", reconfig_scenario());
  ConsoleScanner console;
  r.guest->console = &console;
  r.options.console = &console;
  r.options.guest = 1;  // the second guest: fsdev_dax
  r.go();
  EXPECT_EQ(r.row("reconfig/fsdev_dax/mapping-while-bound")->verdict, Verdict::kFail);
  EXPECT_EQ(r.row("reconfig/fsdev_dax/d0/s0/r0/first/corrupt_pfn")->verdict, Verdict::kPass);
  const CheckRow* fresh = r.row("reconfig/fsdev_dax/d0/s0/r1/first/corrupt_pfn");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->verdict, Verdict::kFail) << "a page of the new range has no struct page: nobody is told";
  const CheckRow* unbind = r.row("reconfig/fsdev_dax/unbind-after-growth");
  ASSERT_NE(unbind, nullptr);
  EXPECT_NE(unbind->reason.find("in fsdev_clear_folio_state"), std::string::npos) << unbind->reason;
}

// The candidate fix: mapping_store() refuses a bound device like dev_dax_resize() does.
TEST(ReconfigKind, RefusedWritePassesAndNothingFollows) {
  for (size_t g : {0u, 1u}) {
    KindRun r("vmem-1", reconfig_scenario());
    r.guest->mapping_while_bound_accepted = false;
    r.options.guest = g;
    r.options.row_prefix = "guest" + std::to_string(g) + "/";
    r.go();
    const std::string d = g == 0 ? "device_dax" : "fsdev_dax";
    EXPECT_NE(r.row("guest" + std::to_string(g) + "/region0/topology"), nullptr) << "each guest's region row has its own key";
    EXPECT_EQ(r.row("reconfig/" + d + "/mapping-while-bound")->verdict, Verdict::kPass) << d;
    EXPECT_EQ(r.row("reconfig/" + d + "/unbind-after-growth")->verdict, Verdict::kSkip) << d;
    EXPECT_EQ(r.rows(Verdict::kFail), 0u) << d;
    EXPECT_EQ(r.guest->count("inject"), 0u);
  }
}

// ---- race -----------------------------------------------------------------------------

namespace {

json race_scenario(const std::string& driver = "fsdev_dax") {
  json j = json::parse(R"({"kind": "race", "name": "rc", "topology": "vmem-1",
    "race": {"driver": "fsdev_dax", "ranges": 1, "range_size": "2M", "duration_s": 5, "runs": 2,
             "stressors": [{"action": "grow_mapping", "interval_ms": 10}, {"action": "poison", "path": "corrupt_pfn"}],
             "expect": ["KASAN: * in fsdev_pfn_to_offset*"], "expected_errnos": ["EBUSY"],
             "window": ["window-fsdev-pfn-to-offset-delay.patch"]}})");
  j["race"]["driver"] = driver;
  if (driver == "device_dax") j["race"]["stressors"][1] = {{"action", "fault"}};
  return j;
}

// A KASAN report as the console shows one (trimmed from a real capture's shape).
void print_kasan(ConsoleScanner& c, const std::string& function) {
  c.scan("[   21.100000] ==================================================================");
  c.scan("[   21.100001] BUG: KASAN: slab-use-after-free in " + function + "+0x5a/0x90");
  c.scan("[   21.100002] Read of size 8 at addr ffff888004b1c020 by task cxlrig-agent/97");
  c.scan("[   21.100003] Call Trace:");
  c.scan("[   21.100004]  " + function + "+0x5a/0x90");
  c.scan("[   21.100005]  fsdev_pagemap_memory_failure+0x30/0x80");
  c.scan("[   21.100006] ==================================================================");
}

// Every stressor did 50 iterations without an error.
json worked(const json& args) {
  proto::RaceRun::Reply rep;
  for (auto& s : args["stressors"]) {
    proto::RaceRun::Result x;
    x.action = s["action"];
    x.cpu = s["cpu"];
    x.iterations = 50;
    x.stopped = "duration";
    rep.stressors.push_back(x);
  }
  return rep;
}

struct RaceRun : KindRun {
  ConsoleScanner console;
  explicit RaceRun(const json& j) : KindRun("vmem-1", j) {
    guest->console = &console;
    options.console = &console;
    options.race_window = {"window-fsdev-pfn-to-offset-delay.patch"};
  }
  const CheckRow* race_row() const { return row("race/run" + std::to_string(options.guest)); }
};

}  // namespace

TEST(RaceKind, StressorsArePinnedAndWorkWhereTheDeviceIs) {
  RaceRun r(race_scenario());
  r.go();
  const auto it = std::find(r.guest->calls.begin(), r.guest->calls.end(), "race_run");
  ASSERT_NE(it, r.guest->calls.end());
  const json req = r.guest->call_args[it - r.guest->calls.begin()];
  ASSERT_EQ(req["stressors"].size(), 2u);
  EXPECT_EQ(req["stressors"][0]["cpu"], 0);
  EXPECT_EQ(req["stressors"][1]["cpu"], 1);
  EXPECT_EQ(req["duration_ms"], 5000);
  EXPECT_EQ(req["stressors"][0]["interval_ms"], 10);
  const uint64_t start = req["base"][0]["start"], end = req["base"][0]["end"];
  for (auto& p : req["stressors"][1]["pfns"]) {
    EXPECT_GE(p.get<uint64_t>() * 4096, start);
    EXPECT_LE(p.get<uint64_t>() * 4096, end);
  }
  for (auto& g : req["stressors"][0]["grow"]) EXPECT_TRUE(g["end"] < start || g["start"] > end);
  // The device is laid out and bound before the race and not unbound after it.
  EXPECT_EQ(r.guest->count("dax_layout"), 1u);
  EXPECT_EQ(r.guest->count("dax_bind"), 1u);
  EXPECT_EQ(r.guest->count("dax_teardown"), 0u);
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kPass) << row->reason;
  EXPECT_NE(row->reason.find("not reproduced"), std::string::npos) << row->reason;
}

TEST(RaceKind, AnExpectedKasanTitleIsAHitWithItsTimeAndWindow) {
  RaceRun r(race_scenario());
  r.guest->on("race_run", [&](const json& args) {
    print_kasan(r.console, "fsdev_pfn_to_offset");
    return worked(args);
  });
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kFail);
  EXPECT_TRUE(row->details["hit"].get<bool>());
  EXPECT_TRUE(row->details.contains("first_hit_s"));
  EXPECT_NE(row->reason.find("reproduced: KASAN: slab-use-after-free Read in fsdev_pfn_to_offset"), std::string::npos)
      << row->reason;
  EXPECT_NE(row->reason.find("window widened by window-fsdev-pfn-to-offset-delay.patch"), std::string::npos);
  const RaceSummary s = summarize_race(*r.scenario.race, r.out.rows, {});
  EXPECT_EQ(s.runs, 1u);
  EXPECT_EQ(s.hits, 1u);
  ASSERT_EQ(s.titles.size(), 1u);
  EXPECT_TRUE(s.titles[0].expected);
  EXPECT_NE(s.titles[0].first_report.find("Read of size 8"), std::string::npos);
}

TEST(RaceKind, AnOopsThatEndsTheAgentIsStillJudgedByItsTitle) {
  json j = race_scenario("device_dax");
  j["race"]["expect"] = {"BUG: unable to handle * in dax_pgoff_to_phys*"};
  RaceRun r(j);
  r.guest->on("race_run", [&](const json&) -> json {
    r.console.scan("[   13.490464] BUG: unable to handle page fault for address: ffe154d44fc10008");
    r.console.scan("[   13.519904] Oops: Oops: 0000 [#1] SMP NOPTI");
    r.console.scan("[   13.527938] RIP: 0010:dax_pgoff_to_phys+0x40/0x90");
    r.console.scan("[   13.560000] ---[ end trace 0000000000000000 ]---");
    throw GuestSplatted("the guest kernel oopsed while the agent ran race_run and no reply came");
  });
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kFail);
  EXPECT_TRUE(row->details["hit"].get<bool>()) << row->reason;
  EXPECT_NE(row->details["ended"].get<std::string>().find("oopsed"), std::string::npos);
}

TEST(RaceKind, AnotherSplatIsAFindingButNotAHit) {
  RaceRun r(race_scenario());
  r.guest->on("race_run", [&](const json& args) {
    print_kasan(r.console, "do_raw_spin_lock");
    return worked(args);
  });
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kFail);
  EXPECT_FALSE(row->details["hit"].get<bool>());
  EXPECT_NE(row->reason.find("not an expected title"), std::string::npos) << row->reason;
  EXPECT_EQ(summarize_race(*r.scenario.race, r.out.rows, {}).hits, 0u);
}

TEST(RaceKind, TheFixRefusingEveryGrowWithAListedErrnoIsNotReproduced) {
  RaceRun r(race_scenario());
  r.guest->mapping_while_bound_accepted = false;
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kPass) << row->reason;
  EXPECT_NE(row->reason.find("EBUSY 100"), std::string::npos) << row->reason;
}

TEST(RaceKind, AStressorThatNeverWorkedWithAnUnlistedErrnoIsInfrastructure) {
  json j = race_scenario();
  j["race"]["expected_errnos"] = json::array();
  RaceRun r(j);
  r.guest->mapping_while_bound_accepted = false;  // every grow: EBUSY, not listed now
  EXPECT_THROW(r.go(), InfraError);
  ASSERT_NE(r.race_row(), nullptr) << "the row is kept for the artifacts";
}

TEST(RaceKind, AMissingHolderModuleIsASkipNamingIt) {
  json j = race_scenario();
  j["race"]["stressors"][0] = {{"action", "holder_churn"}};
  RaceRun r(j);
  r.guest->caps["module:cxlrig_holder"] = false;
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kSkip);
  EXPECT_NE(row->reason.find("cxlrig_holder"), std::string::npos) << row->reason;
  EXPECT_EQ(r.guest->count("race_run"), 0u);
}

TEST(RaceKind, AHeldDeviceIsToldTheOffsetOfEveryPoisonedPage) {
  json j = race_scenario();
  j["race"]["holder"] = true;
  RaceRun r(j);
  r.guest->caps["module:cxlrig_holder"] = true;
  r.go();
  const auto it = std::find(r.guest->calls.begin(), r.guest->calls.end(), "race_run");
  ASSERT_NE(it, r.guest->calls.end());
  EXPECT_EQ(r.guest->call_args[it - r.guest->calls.begin()]["hold"], true);
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kPass) << row->reason;
  EXPECT_EQ(row->details["holder"]["events"], 100) << row->details.dump();
  EXPECT_TRUE(row->details["holder"]["unexplained"].empty());
  ASSERT_EQ(row->cells.back().observer, "holder");
  EXPECT_EQ(row->cells.back().verdict, Verdict::kPass);
}

// What a stale range table in fsdev's walk would tell a filesystem: an offset no poisoned
// page lies at. No splat is needed for the row to fail.
TEST(RaceKind, AHolderToldAnOffsetNoPoisonedPageHasFailsWithoutASplat) {
  json j = race_scenario();
  j["race"]["holder"] = true;
  RaceRun r(j);
  r.guest->caps["module:cxlrig_holder"] = true;
  r.guest->on("race_run", [&](const json& args) {
    json rep = worked(args);
    rep["holder_read"] = true;
    // An unbind's whole-device notice (kill_dax(): MF_MEM_PRE_REMOVE) is no page's.
    rep["holder_events"] = json::array({{{"offset", 0x0}, {"len", 0x1000}, {"flags", 0}},
                                        {{"offset", 0x7ff000000ull}, {"len", 0x1000}, {"flags", 0}},
                                        {{"offset", 0x0}, {"len", ~0ull}, {"flags", 0x80}}});
    return rep;
  });
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kFail);
  EXPECT_FALSE(row->details["hit"].get<bool>());
  EXPECT_NE(row->reason.find("the holder was told 1 offset(s) no poisoned page lies at"), std::string::npos)
      << row->reason;
  EXPECT_NE(row->reason.find("0x7ff000000/0x1000/0x0"), std::string::npos) << row->reason;
  EXPECT_EQ(row->cells.back().verdict, Verdict::kFail);
  const RaceSummary sum = summarize_race(*r.scenario.race, r.out.rows, {});
  EXPECT_EQ(sum.hits, 0u) << "a misinformed holder is not an expected title";
  EXPECT_EQ(sum.holder_runs, 1u);
  EXPECT_EQ(sum.holder_misinformed, 1u);
  EXPECT_NE(render_race(to_json(sum)).find("holder: told an offset no poisoned page lies at in 1/1 runs (first: "
                                           "offset/len/flags 0x7ff000000/0x1000/0x0)"),
            std::string::npos)
      << render_race(to_json(sum));
}

// On a kernel without the module (Debian's) the holder is an observer the race does
// without: it runs, and the row says why the holder did not hold.
TEST(RaceKind, AnAbsentHolderModuleLeavesTheRaceRunningAndSaysSo) {
  json j = race_scenario();
  j["race"]["holder"] = true;
  RaceRun r(j);
  r.guest->caps["module:cxlrig_holder"] = false;
  r.go();
  const CheckRow* row = r.race_row();
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kPass) << row->reason;
  EXPECT_NE(row->details["holder"]["absent"].get<std::string>().find("cxlrig_holder"), std::string::npos);
  const auto it = std::find(r.guest->calls.begin(), r.guest->calls.end(), "race_run");
  EXPECT_EQ(r.guest->call_args[it - r.guest->calls.begin()]["hold"], false);
}

TEST(RaceKind, MoreStressorsThanVcpusIsBadInputNamingTheField) {
  json j = race_scenario();
  j["race"]["stressors"].push_back({{"action", "bind_unbind"}});
  RaceRun r(j);
  try {
    r.go();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rc.race.stressors"), std::string::npos) << e.what();
  }
}
