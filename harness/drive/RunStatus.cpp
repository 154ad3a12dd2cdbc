#include "RunStatus.h"

namespace cxlrig {

void RunStatus::phase(const std::string& name) {
  phase_ = name;
  show();
}

void RunStatus::show() {
  if (!tty_.enabled()) return;
  std::string s = "run:";
  if (layouts_) s += " layout " + std::to_string(layout_) + "/" + std::to_string(layouts_) + " ·";
  if (checks_total_) s += " checks " + std::to_string(checks_done_) + "/" + std::to_string(checks_total_) + " ·";
  tty_.show(s + " " + phase_);
}

}  // namespace cxlrig
