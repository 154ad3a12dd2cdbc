#include "ListBisect.h"

#include <stdexcept>

namespace cxlrig {

ListBisect::ListBisect(size_t entries) : terms_(entries), old_(0), new_(entries ? entries - 1 : 0) {
  if (entries < 2) throw std::invalid_argument("a bisect needs at least two entries");
  terms_.front() = StepTerm::kOld;
  terms_.back() = StepTerm::kNew;
}

std::optional<size_t> ListBisect::next() const {
  if (new_ - old_ <= 1) return std::nullopt;
  const size_t mid = old_ + (new_ - old_) / 2;
  // Nearest the middle first, lower side on ties (skips cluster where builds break).
  for (size_t d = 0; d < new_ - old_; ++d) {
    if (mid >= d && mid - d > old_ && !terms_[mid - d]) return mid - d;
    if (mid + d < new_ && !terms_[mid + d]) return mid + d;
  }
  return std::nullopt;
}

void ListBisect::record(size_t entry, StepTerm term) {
  if (entry >= terms_.size()) throw std::out_of_range("bisect entry out of range");
  terms_[entry] = term;
  // Entries outside (old_, new_) no longer matter; a term that contradicts a bound (an
  // old entry after a new one) is kept as recorded but cannot move the bounds backwards.
  if (term == StepTerm::kOld && entry > old_ && entry < new_) old_ = entry;
  if (term == StepTerm::kNew && entry < new_ && entry > old_) new_ = entry;
}

std::optional<size_t> ListBisect::first_new() const {
  if (new_ - old_ == 1) return new_;
  return std::nullopt;
}

std::vector<size_t> ListBisect::candidates() const {
  std::vector<size_t> out;
  for (size_t i = old_ + 1; i <= new_; ++i)
    if (i == new_ || terms_[i] == StepTerm::kSkip) out.push_back(i);
  return out;
}

}  // namespace cxlrig
