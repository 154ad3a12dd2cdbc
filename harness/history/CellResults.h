// A cell's outcome from what its `cxlrig run`/`cxlrig race` left: the exit code and
// results.json (the run's documented output, report/Report.cpp). Anything that cannot be
// read is an infrastructure result with the reason, never a pass.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "NightRecord.h"

namespace cxlrig {

// Fills status, reason, rows and splats of `cell` from the exit code and results.json
// (null when the file was missing or unparsable; `problem` then says why).
void read_cell_results(CellRecord& cell, int exit_code, const nlohmann::json& results, const std::string& problem);

}  // namespace cxlrig
