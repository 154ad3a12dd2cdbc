#include "CheckRow.h"

namespace cxlrig {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "SKIP";
  }
  return "?";
}

const ObserverCell* CheckRow::cell(const std::string& observer) const {
  for (auto& c : cells)
    if (c.observer == observer) return &c;
  return nullptr;
}

}  // namespace cxlrig
