// The night in KCIDB v5 (kcidb-io schema 5.0): a checkout per kernel source, a build per
// kernel of the night, a test per row. Every id is prefixed with the origin ("cxlrig:"),
// a test's path is cxlrig.<scenario>.<row key> in the dotted form KCIDB allows, and a cell
// that could not be judged is one ERROR test (a cell no shard ran: MISS).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "NightView.h"

namespace cxlrig {

nlohmann::json kcidb_report(const NightView& v);
// What breaks the v5 rules the rig relies on (required fields, id prefixes, the status
// enum, the path pattern, no nulls), one line each; empty when the report is valid.
std::vector<std::string> kcidb_problems(const nlohmann::json& report);
// "d0/s1/r0/first" -> "d0.s1.r0.first": KCIDB paths are dot-separated [A-Za-z0-9_-] parts.
std::string kcidb_path_part(const std::string& s);

}  // namespace cxlrig
