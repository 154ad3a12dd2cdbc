// The run's outcome and its three renderings: the terminal table, results.json
// (schema "cxlrig.results/3", documented in README) and junit.xml.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ConsoleScanner.h"
#include "ScenarioOutcome.h"

namespace cxlrig {

struct RunResult : ScenarioOutcome {
  std::string scenario;
  std::vector<std::string> guards;
  std::string topology;
  uint64_t seed = 0;
  unsigned layouts_requested = 1;
  std::vector<std::string> inject;     // the poison paths enabled for this run
  std::string accel;
  std::string started;  // ISO 8601 UTC
  double duration_s = 0;
  nlohmann::json kernel = nlohmann::json::object();
  std::vector<SplatReport> splats;
  std::optional<int> error_code;  // set when the run could not finish (2, 125, 130)
  std::string error;
  std::string artifacts_dir;
  nlohmann::json guests = nlohmann::json::array();  // scenarios with several guests: one entry each
  nlohmann::json race;  // a race's summary over its runs (RaceCheck's RaceSummary), null otherwise

  // 0 all pass, 1 a check failed or the booted kernel splatted, else the error's code
  // (a kernel that panics before the agent starts is a boot failure: 125, bisect skips it).
  int exit_code() const;
  size_t count(Verdict v) const;
};

std::string render_table(const RunResult& r);
nlohmann::json to_results_json(const RunResult& r);
std::string to_junit_xml(const RunResult& r);

}  // namespace cxlrig
