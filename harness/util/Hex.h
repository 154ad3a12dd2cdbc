// Addresses, offsets and pfns are shown as 0x-hex everywhere (tables, reasons, reproduce lines).
#pragma once
#include <cstdint>
#include <string>

namespace cxlrig {

std::string hex(uint64_t v);

}  // namespace cxlrig
