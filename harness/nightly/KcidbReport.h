// The night in KCIDB v5 (kcidb-io schema 5.0): a checkout per kernel source, a build per
// kernel of the night, a test per row. Every id is prefixed with the origin ("cxlrig:"),
// a test's path is cxlrig.<scenario>.<row key> in the dotted form KCIDB allows, and a cell
// that could not be judged is one ERROR test (a cell no shard ran: MISS). A splat is a FAIL
// test, an issue (one per normalised title, its id stable across nights) and an incident
// linking the two; a race cell's hit rate is the number of a DONE test.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "NightView.h"

namespace cxlrig {

nlohmann::json kcidb_report(const NightView& v);
// What breaks the v5 rules the rig relies on (required fields, id prefixes, the status
// enum, the path pattern, numbers, issue versions, links between the report's objects,
// no nulls), one line each; empty when the report is valid.
std::vector<std::string> kcidb_problems(const nlohmann::json& report);
// "d0/s1/r0/first" -> "d0.s1.r0.first": KCIDB paths are dot-separated [A-Za-z0-9_-] parts.
std::string kcidb_path_part(const std::string& s);

}  // namespace cxlrig
