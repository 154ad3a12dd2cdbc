// What driving a scenario produced, filled as it goes so an abort keeps everything seen so
// far: the judged rows, the layouts asked for, what the guest kernel offers, the phases.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "CheckRow.h"
#include "PhaseLog.h"

namespace cxlrig {

struct ScenarioOutcome {
  std::vector<CheckRow> rows;
  nlohmann::json layouts = nlohmann::json::array();
  nlohmann::json capabilities = nlohmann::json::object();
  std::vector<std::string> reproduce;  // command lines that replay a failing layout alone
  bool booted = false;                 // the guest agent came up: later splats are findings
  std::string kernel_release;          // uname -r in the guest
  PhaseLog phases;
};

}  // namespace cxlrig
