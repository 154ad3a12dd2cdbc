#include "TextFile.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "InputError.h"

namespace cxlrig {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InfraError("cannot read " + path);
  // In one read of the size the file has, not through istreambuf_iterator a byte at a time.
  std::string text;
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > 0) {
    text.resize(size);
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
    in.clear();
  }
  // Then on to the end: a log that grew meanwhile, or a /proc or /sys file, whose size
  // says 0 or a page.
  text.append(std::istreambuf_iterator<char>(in), {});
  return text;
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
