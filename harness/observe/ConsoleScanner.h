// Classifies kernel console lines as they stream in: panics end the run at once, other
// splats (Oops, BUG, WARN, KASAN, KCSAN, lockdep) are recorded as observations.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ConsoleWatch.h"

namespace cxlrig {

struct Splat {
  std::string kind;   // panic, oops, bug, warning, kasan, kcsan, ubsan, lockdep, gpf, hung_task
  size_t line = 0;    // 1-based console line
  std::string text;   // the line that opened it
  std::string where;  // "file:line" or function, when the line names one
};

class ConsoleScanner : public ConsoleWatch {
 public:
  // Returns the splat this line opens, if any, and records it.
  std::optional<Splat> scan(const std::string& line);
  void line(const std::string& text) override { scan(text); }
  const std::vector<Splat>& splats() const { return splats_; }
  bool panicked() const override { return panicked_; }
  size_t lines() const { return lineno_; }
 private:
  std::vector<Splat> splats_;
  size_t lineno_ = 0;
  bool panicked_ = false;
};

nlohmann::json to_json(const Splat& s);

}  // namespace cxlrig
