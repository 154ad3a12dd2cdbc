// The expected-observation table, path by path, including every "nothing is due" case.
#include "ExpectedObservations.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {
struct Case {
  const char* name;
  InjectionContext ctx;
  Presence mf;
  int flags;
  Presence kmsg;
  Presence notify;
  SignalKind signal;
  unsigned qmp;
  bool qmp_ar;
  bool cxl;
};

InjectionContext dax(PoisonPath p, bool early, bool inside = true, bool mapped = true) {
  InjectionContext c;
  c.path = p;
  c.faulted = inside;
  c.mapped = mapped && inside;
  c.inside = inside;
  c.early_kill = early;
  c.vcpus = 2;
  return c;
}
InjectionContext fsdev(PoisonPath p, bool inside = true) {
  InjectionContext c;
  c.path = p;
  c.fsdev = true;
  c.inside = inside;
  c.vcpus = 2;
  return c;
}

using P = PoisonPath;
using S = SignalKind;
constexpr auto None = Presence::kNone, Once = Presence::kOnce, Opt = Presence::kOptional;
constexpr int AR = kMfActionRequired, SW = kMfSwSimulated, CI = kMfCountIncreased;

const Case kCases[] = {
    // device_dax, mapped by the agent: whoever runs memory_failure() in the mapper's mm gets AR.
    {"dax madvise", dax(P::kMadvise, false), Once, AR | CI | SW, Once, None, S::kMceerrAr, 0, false, false},
    {"dax corrupt_pfn late", dax(P::kCorruptPfn, false), Once, SW, Once, None, S::kMceerrAr, 0, false, false},
    {"dax hard_offline early", dax(P::kHardOffline, true), Once, SW, Once, None, S::kMceerrAr, 0, false, false},
    {"dax mce_ao early", dax(P::kMceAo, true), Once, 0, Once, None, S::kMceerrAo, 2, false, false},
    {"dax mce_ao late: no signal", dax(P::kMceAo, false), Once, 0, Once, None, S::kNone, 2, false, false},
    {"dax mce_ar", dax(P::kMceAr, false), Once, AR, Once, None, S::kMceerrAr, 2, true, false},
    {"dax cxl_qmp: list only", dax(P::kCxlQmp, true), None, 0, None, None, S::kNone, 0, false, true},
    {"dax cxl_debugfs: list only", dax(P::kCxlDebugfs, true), None, 0, None, None, S::kNone, 0, false, true},
    // The block was unmapped by an earlier poison: nobody left to signal.
    {"dax unmapped corrupt_pfn", dax(P::kCorruptPfn, true, true, false), Once, SW, Once, None, S::kNone, 0, false, false},
    {"dax unmapped mce_ar: recovered", dax(P::kMceAr, false, true, false), Once, AR, Once, None, S::kNone, 2, true, false},
    // Outside every range: no struct page.
    {"dax outside corrupt_pfn: ENXIO", dax(P::kCorruptPfn, true, false), None, 0, None, None, S::kNone, 0, false, false},
    {"dax outside hard_offline", dax(P::kHardOffline, true, false), Once, SW, Opt, None, S::kNone, 0, false, false},
    {"dax outside mce_ar: kill_me_now", dax(P::kMceAr, true, false), Once, AR, Opt, None, S::kKernel, 2, true, false},
    // fsdev_dax: the offset goes to the holder; nobody maps the pages.
    {"fsdev corrupt_pfn", fsdev(P::kCorruptPfn), Once, SW, Once, Once, S::kNone, 0, false, false},
    {"fsdev hard_offline", fsdev(P::kHardOffline), Once, SW, Once, Once, S::kNone, 0, false, false},
    {"fsdev mce_ao", fsdev(P::kMceAo), Once, 0, Once, Once, S::kNone, 2, false, false},
    {"fsdev mce_ar: unrecovered", fsdev(P::kMceAr), Once, AR, Once, Once, S::kKernel, 2, true, false},
    {"fsdev cxl_debugfs", fsdev(P::kCxlDebugfs), None, 0, None, None, S::kNone, 0, false, true},
    {"fsdev outside hard_offline", fsdev(P::kHardOffline, false), Once, SW, Opt, Opt, S::kNone, 0, false, false},
    {"fsdev outside corrupt_pfn", fsdev(P::kCorruptPfn, false), None, 0, None, Opt, S::kNone, 0, false, false},
};
}  // namespace

TEST(ExpectedObservations, EveryPathEveryObserver) {
  for (const auto& c : kCases) {
    auto e = expected_observations(c.ctx);
    EXPECT_EQ(e.mf_entry, c.mf) << c.name;
    if (c.mf == Once) {
      EXPECT_EQ(e.mf_flags, c.flags) << c.name;
    }
    EXPECT_EQ(e.kmsg, c.kmsg) << c.name;
    EXPECT_EQ(e.notify, c.notify) << c.name;
    if (c.notify == Once) {
      EXPECT_EQ(e.notify_flags, c.flags) << c.name;
    }
    EXPECT_EQ(e.signal, c.signal) << c.name << ": " << to_string(e.signal);
    EXPECT_EQ(e.qmp_events, c.qmp) << c.name;
    EXPECT_EQ(e.qmp_action_required, c.qmp_ar) << c.name;
    EXPECT_EQ(e.cxl_record, c.cxl) << c.name;
    EXPECT_FALSE(e.rules.empty()) << c.name;
  }
}

TEST(ExpectedObservations, EveryPathHasACase) {
  for (auto p : all_poison_paths()) {
    bool seen = false;
    for (const auto& c : kCases) seen = seen || c.ctx.path == p;
    EXPECT_TRUE(seen) << to_string(p);
  }
}

TEST(ExpectedObservations, BroadcastEventCountFollowsVcpus) {
  auto c = dax(P::kMceAo, true);
  c.vcpus = 4;
  EXPECT_EQ(expected_observations(c).qmp_events, 4u);
}

TEST(PoisonPath, ListParsing) {
  EXPECT_EQ(poison_paths_from_list("all", "--inject").size(), all_poison_paths().size());
  auto two = poison_paths_from_list("mce_ar,cxl_qmp", "--inject");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0], P::kMceAr);
  EXPECT_THROW(poison_paths_from_list("madvise,,mce_ao", "--inject"), std::exception);
  EXPECT_THROW(poison_paths_from_list("madvise,madvise", "--inject"), std::exception);
  try {
    poison_paths_from_list("mce", "--inject");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--inject"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mce_ao"), std::string::npos);
  }
}
