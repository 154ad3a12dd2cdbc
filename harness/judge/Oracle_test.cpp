#include "Hex.h"
#include "Oracle.h"

#include <gtest/gtest.h>

#include <set>

using namespace cxlrig;

namespace {
constexpr uint64_t MiB = 1ull << 20;
const RowOrigin kOrigin{"", 0, 11};

Scenario scenario(const char* extra = "") {
  return parse_scenario(nlohmann::json::parse(std::string(R"({
    "kind": "layout_poison", "name": "t", "topology": "vmem-1", "devices": [
      {"driver": "fsdev_dax", "ranges": 3},
      {"driver": "device_dax", "ranges": 3}],
    "outside": {"device": 0})") + extra + "}"), "t");
}

Layout layout() { return generate_layout(11, {0x3d0000000, 512 * MiB}, {{3}, {3}}); }

TraceEvent ev(const std::string& name, std::map<std::string, std::string> f) { return {name, "sym+0x0/0x10", f}; }

// What a fixed kernel reports for an fsdev page by a software path (flags MF_SW_SIMULATED),
// with the notify offset computed by offset_of.
template <class F>
InjectionObservation notify_obs(uint64_t phys, F offset_of, int flags = kMfSwSimulated) {
  InjectionObservation o;
  o.mf_probe_armed = true;
  o.events.push_back(ev(kMemoryFailureEvent, {{"pfn", hex(phys / 4096)}, {"flags", hex(flags)}}));
  o.events.push_back(ev(kNotifyEvent, {{"offset", hex(offset_of(phys))}, {"len", "0x1000"}, {"flags", hex(flags)}}));
  o.kmsg.push_back("Memory failure: " + hex(phys / 4096) + ": recovery action for dax page: Failed");
  return o;
}

InjectionContext fsdev_ctx(const PoisonTarget& t) {
  InjectionContext c;
  c.path = t.path;
  c.fsdev = true;
  c.inside = t.inside;
  c.vcpus = 2;
  return c;
}

InjectionContext dax_ctx(PoisonPath p, bool early = true) {
  InjectionContext c;
  c.path = p;
  c.faulted = c.mapped = true;
  c.early_kill = early;
  c.vcpus = 2;
  return c;
}

// memory_failure()'s flags argument as the kprobe printed it on Debian's 7.3.4 for each path
// (captured, not derived from the traits table the expectation comes from).
const std::map<PoisonPath, std::string> kSeenFlags = {
    {PoisonPath::kMadvise, "0x23"}, {PoisonPath::kCorruptPfn, "0x20"}, {PoisonPath::kHardOffline, "0x20"},
    {PoisonPath::kMceAo, "0x0"}, {PoisonPath::kMceAr, "0x2"}};

// A device_dax page poisoned through p, as 7.3 reports it: memory_failure() entered with the
// path's flags, the kernel log line, and the given signal to the mapper.
InjectionObservation dax_obs(uint64_t phys, PoisonPath p, std::vector<SigInfo> sigs) {
  InjectionObservation o;
  o.mf_probe_armed = true;
  o.map_base = 0x7f0000000000;
  o.events.push_back(ev(kMemoryFailureEvent, {{"pfn", hex(phys / 4096)}, {"flags", kSeenFlags.at(p)}}));
  o.kmsg.push_back("Memory failure: " + hex(phys / 4096) + ": recovery action for dax page: Recovered");
  o.signals = std::move(sigs);
  if (p == PoisonPath::kMceAo || p == PoisonPath::kMceAr)
    o.qmp = {{"guest", "inject", p == PoisonPath::kMceAr}, {"guest", "inject", false}};
  return o;
}
}  // namespace

TEST(Oracle, PlanCoversEveryPointAndEveryApplicablePath) {
  auto s = scenario();
  auto l = layout();
  auto plan = plan_targets(s, l, {});
  ASSERT_EQ(plan.size(), 3u * 3u * 2u + 1u);
  std::set<std::string> fs_paths, dax_paths;
  for (auto& t : plan) {
    (t.device == 0 ? fs_paths : dax_paths).insert(to_string(t.path));
    if (t.inside) {
      auto hit = l.devices[t.device].table.locate(t.phys);
      ASSERT_TRUE(hit);
      EXPECT_EQ(hit->index, *t.range);
    } else {
      EXPECT_EQ(t.point, "outside");
      for (auto& d : l.devices) EXPECT_FALSE(d.table.locate(t.phys));
    }
  }
  EXPECT_EQ(dax_paths.size(), 7u);               // every path meets the mapped device
  EXPECT_EQ(fs_paths.size(), 6u);                // all but madvise: fsdev_dax has no mapping
  EXPECT_FALSE(fs_paths.count("madvise"));
  EXPECT_EQ(plan.front().phys, l.devices[0].table.ranges()[0].start);
  EXPECT_EQ(plan[2].phys, l.devices[0].table.ranges()[0].end + 1 - 4096);
}

TEST(Oracle, InjectListRestrictsThePlanAndBordersAreOutside) {
  auto s = scenario(R"(, "points": ["first", "before", "after"])");
  auto l = layout();
  auto plan = plan_targets(s, l, {PoisonPath::kMceAo, PoisonPath::kCxlQmp});
  size_t outside = 0;
  for (auto& t : plan) {
    EXPECT_TRUE(t.path == PoisonPath::kMceAo || t.path == PoisonPath::kCxlQmp) << to_string(t.path);
    if (!t.inside) {
      ++outside;
      EXPECT_EQ(t.path, PoisonPath::kMceAo);  // device poison needs a DPA inside a range
      for (auto& d : l.devices) EXPECT_FALSE(d.table.locate(t.phys));
    }
  }
  EXPECT_GE(outside, 2u * 3u * 2u - 2u);  // before/after each range (a range at the region start has no before)
}

TEST(Oracle, FixedKernelPassesEveryNotifyRow) {
  auto s = scenario();
  auto l = layout();
  auto& model = l.devices[0];
  size_t judged = 0;
  for (auto& t0 : plan_targets(s, l, {PoisonPath::kCorruptPfn, PoisonPath::kHardOffline})) {
    if (t0.device != 0 || !t0.inside) continue;
    ++judged;
    auto row = judge_injection(kOrigin, t0, "dax0.0", "fsdev_dax", model, fsdev_ctx(t0),
                               notify_obs(t0.phys, [&](uint64_t p) { return model.table.locate(p)->dev_offset; }));
    EXPECT_EQ(row.verdict, Verdict::kPass) << row.id << ": " << row.reason;
    EXPECT_NE(row.cell("notify"), nullptr);
    EXPECT_NE(row.cell("mf"), nullptr);
    EXPECT_NE(row.cell("kmsg"), nullptr);
  }
  EXPECT_EQ(judged, 3u * 3u) << "first, interior and last of each of the 3 ranges";
}

TEST(Oracle, OldFsdevBugFailsEveryRangeButTheFirst) {
  // The original fsdev_pagemap_memory_failure() computed offset = P - ranges[0].start.
  auto s = scenario();
  auto l = layout();
  auto& model = l.devices[0];
  const uint64_t r0 = model.table.ranges()[0].start;
  int pass = 0, fail = 0;
  for (auto& t : plan_targets(s, l, {PoisonPath::kCorruptPfn})) {
    if (t.device != 0 || !t.inside) continue;
    auto row = judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", model, fsdev_ctx(t), notify_obs(t.phys, [&](uint64_t p) { return p - r0; }));
    if (*t.range == 0) {
      EXPECT_EQ(row.verdict, Verdict::kPass) << row.id;
      ++pass;
    } else {
      EXPECT_EQ(row.verdict, Verdict::kFail) << row.id;
      EXPECT_EQ(row.cell("notify")->verdict, Verdict::kFail);
      EXPECT_EQ(row.cell("mf")->verdict, Verdict::kPass);  // only the notify observer disagrees
      ++fail;
    }
  }
  EXPECT_EQ(pass, 3);
  EXPECT_EQ(fail, 6);
}

TEST(Oracle, MissingNotifyWrongPfnOrWrongFlagsFail) {
  auto l = layout();
  PoisonTarget t{0, 0, true, "first", l.devices[0].table.ranges()[0].start, PoisonPath::kCorruptPfn, false};
  InjectionObservation none;
  none.mf_probe_armed = true;
  auto row = judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(t), none);
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("not called"), std::string::npos);
  EXPECT_NE(row.reason.find("memory_failure() was not entered"), std::string::npos);
  EXPECT_NE(row.reason.find("no \"Memory failure"), std::string::npos);

  auto wrong = notify_obs(t.phys, [](uint64_t) { return uint64_t{0}; });
  wrong.events[0].fields["pfn"] = hex(t.phys / 4096 + 1);
  row = judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(t), wrong);
  EXPECT_EQ(row.cell("mf")->verdict, Verdict::kFail);

  // An AR machine check must reach the holder with MF_ACTION_REQUIRED.
  PoisonTarget ar = t;
  ar.path = PoisonPath::kMceAr;
  auto o = notify_obs(t.phys, [](uint64_t) { return uint64_t{0}; }, 0);
  o.qmp = {{"guest", "inject", true}, {"guest", "inject", false}};
  o.signals.push_back({7, kSiKernel, 0, 0});
  row = judge_injection(kOrigin, ar, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(ar), o);
  EXPECT_EQ(row.cell("notify")->verdict, Verdict::kFail);
  EXPECT_EQ(row.cell("mf")->verdict, Verdict::kFail);
  EXPECT_EQ(row.cell("sigbus")->verdict, Verdict::kPass);
}

TEST(Oracle, OutsideAcceptsU64MaxOrSilenceButNotAnOffset) {
  auto l = layout();
  PoisonTarget t{0, std::nullopt, false, "outside", l.hole.start, PoisonPath::kHardOffline, true};
  auto fixed = notify_obs(t.phys, [](uint64_t) { return kOffsetOutside; });
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(t), fixed).verdict, Verdict::kPass);
  auto silent = fixed;  // memory_failure() finds no pgmap: nobody is notified
  silent.events.pop_back();
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(t), silent).verdict, Verdict::kPass);
  auto bogus = notify_obs(t.phys, [](uint64_t) { return uint64_t{0x2000}; });
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(t), bogus).verdict, Verdict::kFail);

  PoisonTarget pfn = t;  // corrupt-pfn refuses a pfn without a struct page before memory_failure()
  pfn.path = PoisonPath::kCorruptPfn;
  InjectionObservation refused;
  refused.mf_probe_armed = true;
  refused.err = 6;
  EXPECT_EQ(judge_injection(kOrigin, pfn, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(pfn), refused).verdict, Verdict::kPass);
  EXPECT_EQ(judge_injection(kOrigin, pfn, "dax0.0", "fsdev_dax", l.devices[0], fsdev_ctx(pfn), fixed).verdict, Verdict::kFail);
}

TEST(Oracle, SigbusPerPath) {
  auto l = layout();
  auto& model = l.devices[1];
  const auto& r1 = model.table.ranges()[1];
  const uint64_t phys = r1.start + 8192;
  const uint64_t off = model.table.locate(phys)->dev_offset;
  const uint64_t base = 0x7f0000000000;
  auto judge = [&](PoisonPath p, bool early, const InjectionObservation& o) {
    PoisonTarget t{1, 1, true, "interior", phys, p, early};
    return judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(p, early), o);
  };
  const SigInfo ar{7, kBusMceerrAr, base + off, 12}, ao{7, kBusMceerrAo, base + off, 12};
  for (auto p : {PoisonPath::kMadvise, PoisonPath::kCorruptPfn, PoisonPath::kHardOffline, PoisonPath::kMceAr}) {
    EXPECT_EQ(judge(p, false, dax_obs(phys, p, {ar})).verdict, Verdict::kPass) << to_string(p);
    EXPECT_EQ(judge(p, false, dax_obs(phys, p, {ao})).verdict, Verdict::kFail) << to_string(p);
    EXPECT_EQ(judge(p, false, dax_obs(phys, p, {})).verdict, Verdict::kFail) << to_string(p);
    EXPECT_EQ(judge(p, false, dax_obs(phys, p, {ar, ar})).verdict, Verdict::kFail) << to_string(p);
  }
  // Action optional from a kworker: AO to an early-kill mapper, nothing to a late-kill one.
  EXPECT_EQ(judge(PoisonPath::kMceAo, true, dax_obs(phys, PoisonPath::kMceAo, {ao})).verdict, Verdict::kPass);
  EXPECT_EQ(judge(PoisonPath::kMceAo, false, dax_obs(phys, PoisonPath::kMceAo, {})).verdict, Verdict::kPass);
  auto extra = judge(PoisonPath::kMceAo, false, dax_obs(phys, PoisonPath::kMceAo, {ao}));
  EXPECT_EQ(extra.cell("sigbus")->verdict, Verdict::kFail);
  EXPECT_NE(extra.reason.find("none is due"), std::string::npos);

  auto lsb = ar;
  lsb.addr_lsb = 21;
  EXPECT_EQ(judge(PoisonPath::kMadvise, true, dax_obs(phys, PoisonPath::kMadvise, {lsb})).verdict, Verdict::kFail);
  auto addr = ar;
  addr.addr += 4096;
  EXPECT_EQ(judge(PoisonPath::kMadvise, true, dax_obs(phys, PoisonPath::kMadvise, {addr})).verdict, Verdict::kFail);

  // QEMU must report the broadcast MCE once per vCPU, one of them action-required for AR.
  auto q = dax_obs(phys, PoisonPath::kMceAr, {ar});
  q.qmp.pop_back();
  EXPECT_EQ(judge(PoisonPath::kMceAr, false, q).cell("qmp")->verdict, Verdict::kFail);
  auto reset = dax_obs(phys, PoisonPath::kMceAo, {ao});
  reset.qmp[0].action = "reset";
  EXPECT_EQ(judge(PoisonPath::kMceAo, true, reset).cell("qmp")->verdict, Verdict::kFail);
}

TEST(Oracle, SigbusAt2MiBAlignReportsTheBlock) {
  DeviceLayout model{RangeTable({{0x400000000, 0x400000000 + 4 * MiB - 1}, {0x3f0000000, 0x3f0000000 + 4 * MiB - 1}}), 2 * MiB};
  PoisonTarget t{0, 1, true, "interior", 0x3f0000000 + 3 * MiB, PoisonPath::kMceAo, true};
  auto o = dax_obs(t.phys, t.path, {{7, kBusMceerrAo, 0x7f0000000000 + 7 * MiB, 21}});
  auto row = judge_injection(kOrigin, t, "dax0.0", "device_dax", model, dax_ctx(t.path), o);
  EXPECT_EQ(row.verdict, Verdict::kPass) << row.reason;
  EXPECT_EQ(row.expected, hex(7 * MiB));
  o.signals[0].addr = 0x7f0000000000 + 4 * MiB;  // the wrong block
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.0", "device_dax", model, dax_ctx(t.path), o).verdict, Verdict::kFail);
}

TEST(Oracle, DevicePoisonChecksHpaDpaClearAndSilence) {
  auto l = layout();
  auto& model = l.devices[1];
  const uint64_t phys = model.table.ranges()[0].start + 4096;
  PoisonTarget t{1, 0, true, "interior", phys, PoisonPath::kCxlDebugfs, true};
  DpaTarget dpa{"mem0", phys - 0x3d0000000, "region0"};
  InjectionObservation o;
  o.mf_probe_armed = true;
  o.listed = {{"mem0", "region0", phys, dpa.dpa, 64, "Injected"}};
  auto judge = [&](const InjectionObservation& x) {
    return judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), x, dpa);
  };
  EXPECT_EQ(judge(o).verdict, Verdict::kPass) << judge(o).reason;
  auto hpa = o;
  hpa.listed[0].hpa = phys + 0x1000;  // a translation that forgot the region base or the interleave
  EXPECT_EQ(judge(hpa).cell("cxl")->verdict, Verdict::kFail);
  auto empty = o;
  empty.listed.clear();
  EXPECT_EQ(judge(empty).verdict, Verdict::kFail);
  auto stuck = o;
  stuck.after_clear = o.listed;
  EXPECT_NE(judge(stuck).reason.find("still listed"), std::string::npos);
  auto mf = o;  // device poison must never reach memory_failure()
  mf.events.push_back(ev(kMemoryFailureEvent, {{"pfn", hex(phys / 4096)}, {"flags", "0x0"}}));
  EXPECT_EQ(judge(mf).cell("mf")->verdict, Verdict::kFail);
  auto sig = o;
  sig.signals.push_back({7, kBusMceerrAo, 0x7f0000000000, 12});
  EXPECT_EQ(judge(sig).cell("sigbus")->verdict, Verdict::kFail);
}

TEST(Oracle, FailedInjectionIsAFailureNotAPass) {
  auto l = layout();
  PoisonTarget t{1, 0, true, "first", l.devices[1].table.ranges()[0].start, PoisonPath::kMceAo, true};
  InjectionObservation o;
  o.err_text = "HMP mce: Guest CPU does not support MCA broadcast";
  auto row = judge_injection(kOrigin, t, "dax0.1", "device_dax", l.devices[1], dax_ctx(t.path), o);
  EXPECT_EQ(row.verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("MCA broadcast"), std::string::npos);
}

TEST(Oracle, ReadbackMismatchFailsOnItsOwn) {
  RangeTable model({{0x3d4000000, 0x3d4ffffff}, {0x3d1000000, 0x3d17fffff}});
  DeviceReadback good{{{0x3d4000000, 0x3d4ffffff}, {0x3d1000000, 0x3d17fffff}}, {0, 0x1000}, 0x1800000};
  EXPECT_EQ(judge_readback(kOrigin, "dax0.0", "fsdev_dax", model, good).verdict, Verdict::kPass);
  auto sorted = good;  // a kernel that sorted the ranges instead of keeping write order
  std::swap(sorted.ranges[0], sorted.ranges[1]);
  EXPECT_EQ(judge_readback(kOrigin, "dax0.0", "fsdev_dax", model, sorted).verdict, Verdict::kFail);
  auto pg = good;
  pg.page_offsets[1] = 0x800;
  EXPECT_EQ(judge_readback(kOrigin, "dax0.0", "fsdev_dax", model, pg).verdict, Verdict::kFail);
  auto sz = good;
  sz.size = 0x1000000;  // a size not a multiple of 2 MiB is silently ignored by the kernel
  EXPECT_EQ(judge_readback(kOrigin, "dax0.0", "fsdev_dax", model, sz).verdict, Verdict::kFail);
}

// A kernel without CONFIG_ADVISE_SYSCALLS answers madvise() with ENOSYS before
// memory_failure(): nothing was tested, so the row is SKIP with the errno, not FAIL.
TEST(Oracle, InjectionRefusedBeforeMemoryFailureIsSkip) {
  auto l = layout();
  auto& model = l.devices[1];
  PoisonTarget t{1, 0, true, "first", model.table.ranges()[0].start, PoisonPath::kMadvise, false};
  InjectionObservation o;
  o.mf_probe_armed = true;
  o.err = 38;  // ENOSYS
  auto row = judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), o);
  EXPECT_EQ(row.verdict, Verdict::kSkip);
  EXPECT_EQ(row.reason, "madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS");
  EXPECT_EQ(row.details["errno"], 38);
  o.err = 1;  // EPERM: lockdown
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), o).verdict, Verdict::kSkip);
  o.err = 5;  // EIO: memory_failure() ran and failed: that is judged
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), o).verdict, Verdict::kFail);
}

// An MCE AO window waits for memory_failure()'s kretprobe; if the wait timed out, an entry
// alone must not pass.
TEST(Oracle, MemoryFailureThatNeverReturnedFails) {
  auto l = layout();
  auto& model = l.devices[1];
  const uint64_t phys = model.table.ranges()[0].start;
  PoisonTarget t{1, 0, true, "first", phys, PoisonPath::kMceAo, true};
  const SigInfo ao{7, kBusMceerrAo, 0x7f0000000000 + model.table.locate(phys)->dev_offset, 12};
  auto o = dax_obs(phys, t.path, {ao});
  o.waited_for_return = true;
  EXPECT_EQ(judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), o).verdict, Verdict::kPass);
  o.event_seen = false;
  auto row = judge_injection(kOrigin, t, "dax0.1", "device_dax", model, dax_ctx(t.path), o);
  EXPECT_EQ(row.cell("mf")->verdict, Verdict::kFail);
  EXPECT_NE(row.reason.find("did not return"), std::string::npos) << row.reason;
}
