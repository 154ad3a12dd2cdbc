#include "JsonLines.h"

#include <stdexcept>

namespace cxlrig {

std::vector<std::string> LineSplitter::feed(std::string_view bytes) {
  std::vector<std::string> out;
  buf_.append(bytes);
  size_t start = 0;
  for (size_t nl; (nl = buf_.find('\n', start)) != std::string::npos; start = nl + 1) {
    size_t end = nl;
    if (end > start && buf_[end - 1] == '\r') --end;
    out.emplace_back(buf_, start, end - start);
  }
  buf_.erase(0, start);
  if (buf_.size() > max_line_) throw std::length_error("line longer than " + std::to_string(max_line_) + " bytes");
  return out;
}

}  // namespace cxlrig
