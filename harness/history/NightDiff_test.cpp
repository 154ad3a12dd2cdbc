#include "NightDiff.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {

CellRecord cell(std::vector<RowRecord> rows, std::vector<std::string> splats = {}, std::string status = "") {
  CellRecord c;
  c.key = "k:vmem-1:multirange-poison:1";
  c.rows = std::move(rows);
  for (auto& t : splats) c.splats.push_back({t, 1, t + "\nCall Trace:"});
  bool fail = false;
  for (auto& r : c.rows) fail |= r.verdict == "FAIL";
  c.status = !status.empty() ? status : fail || !splats.empty() ? "fail" : "pass";
  return c;
}

std::vector<Change> of(const std::vector<Change>& all, ChangeKind k) {
  std::vector<Change> out;
  for (auto& c : all)
    if (c.kind == k) out.push_back(c);
  return out;
}

}  // namespace

TEST(NightDiff, PassToFailIsARegressionAndTurnsTheNightRed) {
  auto last = cell({{"d0/r0", "PASS", ""}, {"d0/r1", "PASS", ""}});
  auto now = cell({{"d0/r0", "PASS", ""}, {"d0/r1", "FAIL", "offset 0x0, expected 0x200000"}});
  auto ch = diff_cell(now, {{"n1", last}}, {}, 5);
  auto reg = of(ch, ChangeKind::kRegression);
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0].subject, "d0/r1");
  EXPECT_EQ(reg[0].since, "n1");
  EXPECT_EQ(reg[0].reason, "offset 0x0, expected 0x200000");
  EXPECT_TRUE(reg[0].red());
  EXPECT_EQ(night_exit_code({now}, ch), 1);
}

TEST(NightDiff, FixedStillFailingNewSkipAndNewFailure) {
  auto last = cell({{"a", "FAIL", ""}, {"b", "FAIL", ""}, {"c", "PASS", ""}});
  auto now = cell({{"a", "PASS", ""}, {"b", "FAIL", ""}, {"c", "SKIP", "no mce"}, {"d", "FAIL", "new row"}});
  auto ch = diff_cell(now, {{"n1", last}}, {}, 5);
  EXPECT_EQ(of(ch, ChangeKind::kFixed).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kStillFailing).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kNewSkip).size(), 1u);
  ASSERT_EQ(of(ch, ChangeKind::kNewFailure).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kNewFailure)[0].subject, "d");
  EXPECT_FALSE(of(ch, ChangeKind::kStillFailing)[0].red()) << "a failure seen last night is not news";
}

TEST(NightDiff, FlippingRowsAreFlakyNotRegressions) {
  // Latest first: FAIL, PASS, FAIL; tonight FAIL after PASS is the third flip.
  std::vector<PastCell> past = {{"n3", cell({{"r", "PASS", ""}})}, {"n2", cell({{"r", "FAIL", ""}})},
                                {"n1", cell({{"r", "PASS", ""}})}};
  auto ch = diff_cell(cell({{"r", "FAIL", ""}}), past, {}, 5);
  EXPECT_EQ(of(ch, ChangeKind::kRegression).size(), 0u);
  ASSERT_EQ(of(ch, ChangeKind::kFlaky).size(), 1u);
  EXPECT_FALSE(of(ch, ChangeKind::kFlaky)[0].red());
  // A window of 2 nights sees one flip only: a regression.
  EXPECT_EQ(of(diff_cell(cell({{"r", "FAIL", ""}}), past, {}, 2), ChangeKind::kRegression).size(), 1u);
}

TEST(NightDiff, FlipsThatFollowTheKernelAreRegressionsAndFixes) {
  // PASS on the plain kernel, FAIL with a patch, PASS again without it: fixed, not flaky.
  auto plain = cell({{"r", "PASS", ""}});
  plain.kernel_id = {"rig", "built", "7.3.4", "", "", "4b1721d59dcf", {}};
  auto patched = cell({{"r", "FAIL", ""}});
  patched.kernel_id = {"rig", "built", "7.3.4", "", "", "90ceddf39d72", {"fsdev-offset-from-first-range.patch"}};
  auto tonight = plain;
  auto ch = diff_cell(tonight, {{"n2", patched}, {"n1", plain}}, {}, 5);
  EXPECT_EQ(of(ch, ChangeKind::kFixed).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kFlaky).size(), 0u);
  ASSERT_EQ(of(ch, ChangeKind::kKernelChanged).size(), 1u);
  EXPECT_NE(of(ch, ChangeKind::kKernelChanged)[0].was.find("+fsdev-offset-from-first-range.patch"), std::string::npos);
}

TEST(NightDiff, SplatTitlesNewAndGone) {
  auto last = cell({{"r", "PASS", ""}}, {"KASAN: slab-use-after-free Read in fsdev_pagemap_memory_failure"});
  auto now = cell({{"r", "PASS", ""}}, {"BUG: unable to handle kernel paging request in dax_set_mapping"});
  auto ch = diff_cell(now, {{"n1", last}}, {}, 5);
  ASSERT_EQ(of(ch, ChangeKind::kNewSplat).size(), 1u);
  EXPECT_TRUE(of(ch, ChangeKind::kNewSplat)[0].red());
  EXPECT_EQ(of(ch, ChangeKind::kSplatGone).size(), 1u);
  EXPECT_EQ(night_exit_code({now}, ch), 1);
}

TEST(NightDiff, KnownIssuesKeepTheNightGreenAndReportTheirFix) {
  KnownIssues known({{"bound-mapping", "*", "reconfig/*/mapping-while-bound", "", "https://lore.kernel.org/x", "note"},
                     {"set-mapping-oops", "*", "", "BUG: unable to handle * in dax_set_mapping", "https://lore.kernel.org/y", ""}});
  auto last = cell({{"reconfig/device_dax/mapping-while-bound", "PASS", ""}});
  auto now = cell({{"reconfig/device_dax/mapping-while-bound", "FAIL", "took a write"}},
                  {"BUG: unable to handle kernel paging request in dax_set_mapping"});
  auto ch = diff_cell(now, {{"n1", last}}, known, 5);
  ASSERT_EQ(of(ch, ChangeKind::kRegression).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kRegression)[0].known_id, "bound-mapping");
  EXPECT_EQ(of(ch, ChangeKind::kNewSplat)[0].known_id, "set-mapping-oops");
  EXPECT_EQ(night_exit_code({now}, ch), 0);
  // The next night the bug is gone: both known issues are reported fixed.
  auto fixed = diff_cell(cell({{"reconfig/device_dax/mapping-while-bound", "PASS", ""}}), {{"n2", now}}, known, 5);
  EXPECT_EQ(of(fixed, ChangeKind::kKnownFixed).size(), 2u);
}

TEST(NightDiff, InfrastructureIsApartAndAllInfraIs125) {
  auto infra = cell({}, {}, "infra");
  infra.reason = "guest did not boot in 150 s";
  auto ch = diff_cell(infra, {{"n1", cell({{"r", "PASS", ""}})}}, {}, 5);
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::kInfra);
  EXPECT_FALSE(ch[0].red());
  EXPECT_EQ(night_exit_code({infra}, ch), 125);
  auto ok = cell({{"r", "PASS", ""}});
  EXPECT_EQ(night_exit_code({infra, ok}, ch), 0);
}

TEST(NightDiff, AFirstNightsFailuresAreNew) {
  auto ch = diff_cell(cell({{"r", "FAIL", "x"}}), {}, {}, 5);
  ASSERT_EQ(of(ch, ChangeKind::kNewFailure).size(), 1u);
  EXPECT_EQ(of(ch, ChangeKind::kNewFailure)[0].since, "");
}
