#include "CellResults.h"

#include <algorithm>
#include <map>

namespace cxlrig {

using nlohmann::json;

namespace {

std::string text_or(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

void read_cell_results(CellRecord& cell, int exit_code, const json& results, const std::string& problem) {
  cell.exit_code = exit_code;
  cell.rows.clear();
  cell.splats.clear();
  cell.race = {};
  if (!results.is_object()) {
    cell.status = "infra";
    cell.reason = problem.empty() ? "no results.json" : problem;
    return;
  }
  // Every row of a cell needs a key of its own. A run keys each guest's rows apart
  // ("guest1/region0/topology"), but a results.json written before it did repeats them:
  // the second is "KEY#2", the third "KEY#3", in guest order.
  std::map<std::string, unsigned> seen;
  if (results.contains("checks") && results["checks"].is_array())
    for (auto& c : results["checks"]) {
      if (!c.is_object()) continue;
      RowRecord r{text_or(c, "key"), text_or(c, "verdict"), text_or(c, "reason")};
      if (r.key.empty()) r.key = text_or(c, "id");
      if (r.key.empty() || r.verdict.empty()) continue;
      if (const unsigned n = ++seen[r.key]; n > 1) r.key += "#" + std::to_string(n);
      cell.rows.push_back(r);
    }
  // One record per title, with how often it was seen and its first report.
  std::map<std::string, size_t> at;
  if (results.contains("splats") && results["splats"].is_array())
    for (auto& s : results["splats"]) {
      const std::string title = s.is_object() ? text_or(s, "title") : "";
      if (title.empty()) continue;
      auto [it, fresh] = at.emplace(title, cell.splats.size());
      if (fresh) cell.splats.push_back({title, 0, text_or(s, "report")});
      ++cell.splats[it->second].count;
    }
  // A race's tally as RaceCheck wrote it; a field of the wrong type leaves the tally at
  // zero runs, which no output reads as a hit rate.
  if (results.contains("race") && results["race"].is_object()) {
    const json& r = results["race"];
    auto count = [&](const char* k) { return r.contains(k) && r[k].is_number_unsigned() ? r[k].get<unsigned>() : 0u; };
    cell.race.runs = count("runs");
    cell.race.hits = std::min(count("hits"), cell.race.runs);
    if (r.contains("median_first_hit_s") && r["median_first_hit_s"].is_number())
      cell.race.median_first_hit_s = r["median_first_hit_s"].get<double>();
  }
  const std::string error = results.contains("error") && results["error"].is_string() ? results["error"].get<std::string>() : "";
  // The run's exit code is its verdict (0 pass, 1 fail, 125 infra, 2 bad input); a
  // results.json that contradicts it is trusted less than the code.
  if (exit_code == 0) {
    cell.status = "pass";
  } else if (exit_code == 1) {
    cell.status = "fail";
    if (!error.empty()) cell.reason = first_line(error);
  } else {
    cell.status = "infra";
    cell.reason = !error.empty() ? first_line(error)
                  : exit_code == 2 ? "bad input (exit 2)"
                                   : "exit " + std::to_string(exit_code);
  }
}

}  // namespace cxlrig
