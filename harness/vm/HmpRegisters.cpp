#include "HmpRegisters.h"

#include <regex>

namespace cxlrig {

std::optional<int> cpl_from_registers(const std::string& text) {
  static const std::regex re(R"(\bCPL=([0-3])\b)");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  return m[1].str()[0] - '0';
}

}  // namespace cxlrig
