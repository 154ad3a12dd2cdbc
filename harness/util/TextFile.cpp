#include "TextFile.h"

#include <fstream>
#include <iterator>

#include "InputError.h"

namespace cxlrig {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InfraError("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string last_lines(const std::string& text, size_t lines) {
  const size_t end = text.find_last_not_of("\r\n \t");
  if (end == std::string::npos || lines == 0) return "";
  size_t start = 0, search = end;
  for (size_t n = 0; n < lines; ++n) {
    const size_t nl = text.rfind('\n', search);
    if (nl == std::string::npos) {
      start = 0;
      break;
    }
    start = nl + 1;
    if (nl == 0) break;
    search = nl - 1;
  }
  return text.substr(start, end + 1 - start);
}

}  // namespace cxlrig
