// Splits a byte stream into lines (QMP, the agent channel and the console are all
// line-oriented); keeps a partial tail until its newline arrives.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cxlrig {

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 16 << 20) : max_line_(max_line) {}
  // Appends bytes; returns the complete lines (without '\n' or a trailing '\r').
  std::vector<std::string> feed(std::string_view bytes);
  // What is left without a newline (e.g. the last words of a console before a crash).
  const std::string& pending() const { return buf_; }
 private:
  std::string buf_;
  size_t max_line_;
};

}  // namespace cxlrig
