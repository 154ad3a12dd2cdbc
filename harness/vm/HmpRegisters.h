// What HMP `info registers` says about one vCPU. Pure.
#pragma once
#include <optional>
#include <string>

namespace cxlrig {

// The current privilege level ("... CPL=3 II=0 A20=1 ..."), or nothing when the text has none.
std::optional<int> cpl_from_registers(const std::string& info_registers);

}  // namespace cxlrig
