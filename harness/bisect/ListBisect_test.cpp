#include "ListBisect.h"

#include <gtest/gtest.h>

#include <functional>

using namespace cxlrig;

namespace {

// Drive a bisect over n entries with a judge; returns how many steps it took.
size_t drive(ListBisect& b, const std::function<StepTerm(size_t)>& judge, std::vector<size_t>* order = nullptr) {
  size_t steps = 0;
  while (auto i = b.next()) {
    if (order) order->push_back(*i);
    b.record(*i, judge(*i));
    if (++steps > 100) break;
  }
  return steps;
}

}  // namespace

TEST(ListBisect, FindsTheFirstNewEntryAtEveryPosition) {
  for (size_t n = 2; n <= 33; ++n)
    for (size_t culprit = 1; culprit < n; ++culprit) {
      ListBisect b(n);
      size_t steps = drive(b, [&](size_t i) { return i >= culprit ? StepTerm::kNew : StepTerm::kOld; });
      ASSERT_EQ(b.first_new(), culprit) << "n=" << n;
      EXPECT_EQ(b.last_old(), culprit - 1);
      // log2 steps: never more than ceil(log2(n-1)).
      size_t bound = 0;
      while ((size_t{1} << bound) < n - 1) ++bound;
      EXPECT_LE(steps, bound) << "n=" << n << " culprit=" << culprit;
    }
}

TEST(ListBisect, TwoEntriesNeedNoStep) {
  ListBisect b(2);
  EXPECT_FALSE(b.next());
  EXPECT_EQ(b.first_new(), 1u);
}

TEST(ListBisect, StepsAroundASkippedEntry) {
  // 0 old .. 6 new; culprit 5; entry 3 (the first middle) cannot be judged.
  ListBisect b(7);
  std::vector<size_t> order;
  drive(b, [](size_t i) { return i == 3 ? StepTerm::kSkip : i >= 5 ? StepTerm::kNew : StepTerm::kOld; }, &order);
  EXPECT_EQ(order, (std::vector<size_t>{3, 2, 4, 5}));
  EXPECT_EQ(b.first_new(), 5u);
}

TEST(ListBisect, SkippedEntriesNextToTheCulpritLeaveCandidates) {
  // Culprit 2, but entry 1 is skipped: 1 or 2 may be the first new one.
  ListBisect b(4);
  drive(b, [](size_t i) { return i == 1 ? StepTerm::kSkip : i >= 2 ? StepTerm::kNew : StepTerm::kOld; });
  EXPECT_FALSE(b.first_new());
  EXPECT_EQ(b.candidates(), (std::vector<size_t>{1, 2}));
}

TEST(ListBisect, EverythingSkippedEndsWithEveryEntryACandidate) {
  ListBisect b(5);
  size_t steps = drive(b, [](size_t) { return StepTerm::kSkip; });
  EXPECT_EQ(steps, 3u);
  EXPECT_FALSE(b.first_new());
  EXPECT_EQ(b.candidates(), (std::vector<size_t>{1, 2, 3, 4}));
}

TEST(ListBisect, NeedsTwoEntries) { EXPECT_THROW(ListBisect(1), std::invalid_argument); }
