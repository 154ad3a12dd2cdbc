// Watches the kernel console as it streams in: a panic ends the run's waits at once, and
// every line is kept, so the splats (Oops, BUG, WARN, KASAN, KCSAN, lockdep, ...) can be
// cut into titled reports (SplatParser) whenever they are asked for.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "ConsoleWatch.h"
#include "SplatParser.h"

namespace cxlrig {

class ConsoleScanner : public ConsoleWatch {
 public:
  // True when the line opens a splat.
  bool scan(const std::string& line);
  void line(const std::string& text) override { scan(text); }
  bool panicked() const override { return panicked_; }
  size_t lines() const { return lines_.size(); }
  size_t fatal_splats_seen() const override { return fatal_; }
  // Every report so far, titled (parsed again only when new lines came in).
  const std::vector<SplatReport>& splats() const;
  // Reports that start after console line `after` (1-based): what one window provoked.
  std::vector<SplatReport> splats_since(size_t after) const;
  // When console line `line` (1-based) came in: a race's time to its first hit.
  std::chrono::steady_clock::time_point arrived(size_t line) const { return at_.at(line - 1); }

 private:
  std::vector<std::string> lines_;
  std::vector<std::chrono::steady_clock::time_point> at_;
  size_t openings_ = 0, fatal_ = 0;
  bool panicked_ = false;
  mutable std::vector<SplatReport> parsed_;
  mutable size_t parsed_at_ = static_cast<size_t>(-1);
};

}  // namespace cxlrig
