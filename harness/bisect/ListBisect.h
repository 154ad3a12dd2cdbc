// Bisect over an ordered list (oldest first) rather than a git history: the packaged
// kernels on the mirror. Entry 0 is known old (good, or broken with --reverse), the last
// entry known new; each step judges one entry between them, and a skipped entry is stepped
// around. Pure: the caller runs the steps.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace cxlrig {

enum class StepTerm { kOld, kNew, kSkip };

class ListBisect {
 public:
  explicit ListBisect(size_t entries);  // at least 2: the two known ends

  // The entry to judge next, nearest the middle of what is still open; nothing once the
  // first new entry is pinned, or every entry left between the bounds is skipped.
  std::optional<size_t> next() const;
  void record(size_t entry, StepTerm term);

  // The first new entry, once it is pinned (its predecessor is known old).
  std::optional<size_t> first_new() const;
  // The entries that may be the first new one: just first_new when pinned, else the
  // skipped entries between the bounds and the upper bound.
  std::vector<size_t> candidates() const;
  size_t last_old() const { return old_; }

 private:
  std::vector<std::optional<StepTerm>> terms_;
  size_t old_, new_;  // the newest known-old entry, the oldest known-new one
};

}  // namespace cxlrig
