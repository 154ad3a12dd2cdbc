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

}  // namespace cxlrig
