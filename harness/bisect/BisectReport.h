// What a bisect (over git commits or packaged kernels) leaves: steps/steps.jsonl with a line
// per judged step, the step table on stdout, the culprit with its subject and the rows that
// fail there, all of it in bisect.json.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

// A step: {<id_key>: commit or ABI, subject, run_exit, step_exit, out}.
void append_bisect_step(const std::string& steps_dir, const nlohmann::json& step);
nlohmann::json read_bisect_steps(const std::string& steps_dir);  // array, in order

// "step  commit  run  git  subject" with the term each step's exit meant.
void print_bisect_steps(const nlohmann::json& steps, const std::string& id_key, bool reverse);

// The culprit into `summary` (culprit, subject, failing_rows) and on stdout: the rows that
// fail at the culprit (forward) or in a step before the fix (reverse), read from the steps'
// results.json.
void report_culprit(nlohmann::json& summary, const std::string& id_key, const std::string& culprit,
                    const std::string& subject, bool reverse);

}  // namespace cxlrig
