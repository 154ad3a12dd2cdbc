#include "Hex.h"

#include <cstdio>

namespace cxlrig {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace cxlrig
