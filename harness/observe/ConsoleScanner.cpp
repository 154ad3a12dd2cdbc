#include "ConsoleScanner.h"

namespace cxlrig {

bool ConsoleScanner::scan(const std::string& line) {
  lines_.push_back(line);
  at_.push_back(std::chrono::steady_clock::now());
  if (!opens_splat(line)) return false;
  ++openings_;
  if (opens_fatal_splat(line)) ++fatal_;
  if (is_panic(line)) panicked_ = true;
  return true;
}

const std::vector<SplatReport>& ConsoleScanner::splats() const {
  if (parsed_at_ != lines_.size()) {
    parsed_ = parse_splats(lines_);
    parsed_at_ = lines_.size();
  }
  return parsed_;
}

std::vector<SplatReport> ConsoleScanner::splats_since(size_t after) const {
  std::vector<SplatReport> out;
  for (auto& s : splats())
    if (s.line > after) out.push_back(s);
  return out;
}

}  // namespace cxlrig
