#include "Oracle.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {
constexpr uint64_t MiB = 1ull << 20;

Scenario scenario() {
  return parse_scenario(nlohmann::json::parse(R"({
    "name": "t", "devices": [
      {"driver": "fsdev_dax", "ranges": 3, "paths": ["corrupt_pfn", "hard_offline"]},
      {"driver": "device_dax", "ranges": 3, "paths": ["madvise", "corrupt_pfn", "hard_offline"]}],
    "outside": {"device": 0}})"), "t");
}

Layout layout() { return generate_layout(11, {0x3d0000000, 512 * MiB}, {{3}, {3}}); }

TraceEvent ev(const std::string& name, std::map<std::string, std::string> f) { return {name, "sym+0x0/0x10", f}; }

// What a kernel reports for phys through the notify kprobe, using offset function f.
template <class F>
InjectionObservation notify_obs(uint64_t phys, F offset_of) {
  InjectionObservation o;
  o.mf_probe_armed = true;
  o.events.push_back(ev(kMemoryFailureEvent, {{"pfn", hex(phys / 4096)}}));
  o.events.push_back(ev(kNotifyEvent, {{"offset", hex(offset_of(phys))}, {"len", "0x1000"}}));
  o.kmsg.push_back("Memory failure: " + hex(phys / 4096) + ": recovery action for dax page: Recovered");
  return o;
}
}  // namespace

TEST(Oracle, PlanCoversEveryPointOfEveryRangeAndRotatesPaths) {
  auto s = scenario();
  auto l = layout();
  auto plan = plan_targets(s, l);
  ASSERT_EQ(plan.size(), 3u * 3u * 2u + 1u);
  std::set<std::string> dev1_paths;
  for (auto& t : plan) {
    if (t.device == 1) dev1_paths.insert(to_string(t.path));
    if (t.range) {
      auto hit = l.devices[t.device].table.locate(t.phys);
      ASSERT_TRUE(hit);
      EXPECT_EQ(hit->index, *t.range);
    } else {
      EXPECT_EQ(t.point, "outside");
      for (auto& d : l.devices) EXPECT_FALSE(d.table.locate(t.phys));
    }
  }
  EXPECT_EQ(dev1_paths.size(), 3u);
  EXPECT_EQ(plan.front().phys, l.devices[0].table.ranges()[0].start);
  EXPECT_EQ(plan[2].phys, l.devices[0].table.ranges()[0].end + 1 - 4096);
}

TEST(Oracle, FixedKernelPassesEveryNotifyRow) {
  auto s = scenario();
  auto l = layout();
  for (auto& t : plan_targets(s, l)) {
    if (t.device != 0 || !t.range) continue;
    auto& model = l.devices[0];
    auto row = judge_injection(t, "dax0.0", "fsdev_dax", model,
                               notify_obs(t.phys, [&](uint64_t p) { return model.table.locate(p)->dev_offset; }));
    EXPECT_EQ(row.verdict, Verdict::kPass) << row.id << ": " << row.reason;
  }
}

TEST(Oracle, OldFsdevBugFailsEveryRangeButTheFirst) {
  // The original fsdev_pagemap_memory_failure() computed offset = P - ranges[0].start.
  auto s = scenario();
  auto l = layout();
  auto& model = l.devices[0];
  const uint64_t r0 = model.table.ranges()[0].start;
  int pass = 0, fail = 0;
  for (auto& t : plan_targets(s, l)) {
    if (t.device != 0 || !t.range) continue;
    auto row = judge_injection(t, "dax0.0", "fsdev_dax", model, notify_obs(t.phys, [&](uint64_t p) { return p - r0; }));
    if (*t.range == 0) {
      EXPECT_EQ(row.verdict, Verdict::kPass) << row.id;
      ++pass;
    } else {
      EXPECT_EQ(row.verdict, Verdict::kFail) << row.id;
      ++fail;
    }
  }
  EXPECT_EQ(pass, 3);
  EXPECT_EQ(fail, 6);
}

TEST(Oracle, MissingNotifyOrWrongPfnFails) {
  auto l = layout();
  PoisonTarget t{0, 0, "first", l.devices[0].table.ranges()[0].start, PoisonPath::kCorruptPfn, Observer::kNotifyKprobe};
  InjectionObservation none;
  none.mf_probe_armed = true;
  auto row = judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], none);
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("not called"), std::string::npos);
  EXPECT_NE(row.reason.find("memory_failure() was not entered"), std::string::npos);

  auto wrong = notify_obs(t.phys, [](uint64_t) { return uint64_t{0}; });
  wrong.events[0].fields["pfn"] = hex(t.phys / 4096 + 1);
  row = judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], wrong);
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("memory_failure() got pfn"), std::string::npos);
}

TEST(Oracle, OutsideAcceptsU64MaxOrSilenceButNotAnOffset) {
  auto l = layout();
  PoisonTarget t{0, std::nullopt, "outside", l.hole.start, PoisonPath::kCorruptPfn, Observer::kNotifyKprobe};
  auto fixed = notify_obs(t.phys, [](uint64_t) { return kOffsetOutside; });
  EXPECT_EQ(judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], fixed).verdict, Verdict::kPass);
  InjectionObservation silent;  // corrupt-pfn refused a PFN without struct page: ENXIO
  silent.mf_probe_armed = true;
  silent.err = 6;
  EXPECT_EQ(judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], silent).verdict, Verdict::kPass);
  auto wrong_pfn = fixed;
  wrong_pfn.events[0].fields["pfn"] = hex(t.phys / 4096 + 3);
  EXPECT_EQ(judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], wrong_pfn).verdict, Verdict::kFail);
  auto bogus = notify_obs(t.phys, [](uint64_t) { return uint64_t{0x2000}; });
  EXPECT_EQ(judge_injection(t, "dax0.0", "fsdev_dax", l.devices[0], bogus).verdict, Verdict::kFail);
}

TEST(Oracle, SigbusOffsetCodeAndLsb) {
  auto l = layout();
  auto& model = l.devices[1];
  const auto& r1 = model.table.ranges()[1];
  PoisonTarget t{1, 1, "interior", r1.start + 8192, PoisonPath::kMadvise, Observer::kSigbus};
  InjectionObservation o;
  o.map_base = 0x7f0000000000;
  uint64_t off = model.table.locate(t.phys)->dev_offset;
  o.signals.push_back({7, kBusMceerrAr, o.map_base + off, 12});
  EXPECT_EQ(judge_injection(t, "dax0.1", "device_dax", model, o).verdict, Verdict::kPass);

  auto ao = o;
  ao.signals[0].code = kBusMceerrAo;  // madvise is action-required
  EXPECT_EQ(judge_injection(t, "dax0.1", "device_dax", model, ao).verdict, Verdict::kFail);

  // corrupt-pfn on a dax page: the kernel forces MF_ACTION_REQUIRED for ZONE_DEVICE, so the
  // injecting mapper gets AR and any other mapper AO.
  PoisonTarget pfn = t;
  pfn.path = PoisonPath::kCorruptPfn;
  EXPECT_EQ(judge_injection(pfn, "dax0.1", "device_dax", model, o).verdict, Verdict::kPass);
  auto other = ao;
  other.injector_is_mapper = false;
  EXPECT_EQ(judge_injection(pfn, "dax0.1", "device_dax", model, other).verdict, Verdict::kPass);
  EXPECT_EQ(judge_injection(pfn, "dax0.1", "device_dax", model, ao).verdict, Verdict::kFail);

  auto lsb = o;
  lsb.signals[0].addr_lsb = 21;
  EXPECT_EQ(judge_injection(t, "dax0.1", "device_dax", model, lsb).verdict, Verdict::kFail);

  auto two = o;
  two.signals.push_back(two.signals[0]);
  EXPECT_EQ(judge_injection(t, "dax0.1", "device_dax", model, two).verdict, Verdict::kFail);

  InjectionObservation none;
  EXPECT_EQ(judge_injection(t, "dax0.1", "device_dax", model, none).verdict, Verdict::kFail);
}

TEST(Oracle, SigbusAt2MiBAlignReportsTheBlock) {
  DeviceLayout model{RangeTable({{0x400000000, 0x400000000 + 4 * MiB - 1}, {0x3f0000000, 0x3f0000000 + 4 * MiB - 1}}), 2 * MiB};
  PoisonTarget t{0, 1, "interior", 0x3f0000000 + 3 * MiB, PoisonPath::kCorruptPfn, Observer::kSigbus};
  InjectionObservation o;
  o.map_base = 0x7f0000000000;
  o.injector_is_mapper = false;
  o.signals.push_back({7, kBusMceerrAo, o.map_base + 4 * MiB + 2 * MiB, 21});
  auto row = judge_injection(t, "dax0.0", "device_dax", model, o);
  EXPECT_EQ(row.verdict, Verdict::kPass) << row.reason;
  EXPECT_EQ(row.expected, hex(6 * MiB));
}

TEST(Oracle, ReadbackMismatchFailsOnItsOwn) {
  RangeTable model({{0x3d4000000, 0x3d4ffffff}, {0x3d1000000, 0x3d17fffff}});
  DeviceReadback good{{{0x3d4000000, 0x3d4ffffff}, {0x3d1000000, 0x3d17fffff}}, {0, 0x1000}, 0x1800000};
  EXPECT_EQ(judge_readback("dax0.0", "fsdev_dax", model, good).verdict, Verdict::kPass);
  auto sorted = good;  // a kernel that sorted the ranges instead of keeping write order
  std::swap(sorted.ranges[0], sorted.ranges[1]);
  EXPECT_EQ(judge_readback("dax0.0", "fsdev_dax", model, sorted).verdict, Verdict::kFail);
  auto pg = good;
  pg.page_offsets[1] = 0x800;
  EXPECT_EQ(judge_readback("dax0.0", "fsdev_dax", model, pg).verdict, Verdict::kFail);
  auto sz = good;
  sz.size = 0x1000000;  // a size not a multiple of 2 MiB is silently ignored by the kernel
  EXPECT_EQ(judge_readback("dax0.0", "fsdev_dax", model, sz).verdict, Verdict::kFail);
}
