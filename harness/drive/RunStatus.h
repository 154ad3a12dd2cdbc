// What a run is doing, for the one-line status on a terminal: the phase, then layout i of
// N and checks done out of the total ("run: layout 3/20 · checks 41/120 · inject mce_ar").
#pragma once
#include <string>

#include "TtyStatus.h"

namespace cxlrig {

class RunStatus {
 public:
  explicit RunStatus(TtyStatus& tty) : tty_(tty) {}
  void phase(const std::string& name);
  void layouts(size_t total) { layouts_ = total; }
  void layout(size_t index) { layout_ = index + 1; }
  void add_checks(size_t n) { checks_total_ += n; }
  void check_done() { ++checks_done_; }

 private:
  void show();
  TtyStatus& tty_;
  std::string phase_;
  size_t layouts_ = 0, layout_ = 0, checks_total_ = 0, checks_done_ = 0;
};

}  // namespace cxlrig
