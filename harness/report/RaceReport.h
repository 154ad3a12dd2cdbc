// A race's summary for people: runs, hits, hit rate, median time to the first hit, the
// window it ran with, and every distinct splat title with its count and first full report.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

// From the summary JSON (RaceCheck.h's to_json(RaceSummary)), as results.json carries it.
std::string render_race(const nlohmann::json& race);

}  // namespace cxlrig
