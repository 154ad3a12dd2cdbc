#include "BisectReport.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "BisectOutcome.h"

namespace cxlrig {
namespace {

std::string row_text(const nlohmann::json& c) {
  return c.value("device", "") + " " + c.value("driver", "") + " range " + c["range"].dump() + " " +
         c.value("point", "") + " " + c.value("path", "") + ": " + c.value("reason", "");
}

}  // namespace

void append_bisect_step(const std::string& steps_dir, const nlohmann::json& step) {
  std::ofstream(steps_dir + "/steps.jsonl", std::ios::app) << step.dump() << "\n";
}

nlohmann::json read_bisect_steps(const std::string& steps_dir) {
  nlohmann::json out = nlohmann::json::array();
  std::ifstream in(steps_dir + "/steps.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(j);
  }
  return out;
}

void print_bisect_steps(const nlohmann::json& steps, const std::string& id_key, bool reverse) {
  size_t width = id_key == "commit" ? 12 : 6;
  if (id_key != "commit")
    for (auto& s : steps) width = std::max(width, s.value(id_key, "").size());
  std::printf("step  %-*s  run   term    subject\n", static_cast<int>(width), id_key.c_str());
  size_t n = 0;
  for (auto& s : steps)
    std::printf("%-4zu  %-*.*s  %-4d  %-6s  %s\n", ++n, static_cast<int>(width), static_cast<int>(width),
                s.value(id_key, "").c_str(), s.value("run_exit", -1), bisect_step_term(s.value("step_exit", -1), reverse),
                s.value("subject", "").c_str());
}

void report_culprit(nlohmann::json& summary, const std::string& id_key, const std::string& culprit,
                    const std::string& subject, bool reverse) {
  summary["culprit"] = culprit;
  summary["subject"] = subject;
  std::cout << "\nfirst " << bisect_new_term(reverse) << " " << id_key << ": " << culprit << "\n    " << subject << "\n";
  nlohmann::json failing = nlohmann::json::array();
  for (auto& s : summary["steps"]) {
    const bool pick = reverse ? s.value("run_exit", -1) == 1 : s.value(id_key, "") == culprit;
    if (!pick) continue;
    std::ifstream rin(s.value("out", "") + "/results.json");
    nlohmann::json res = nlohmann::json::parse(rin, nullptr, false);
    if (!res.is_object()) continue;
    for (auto& c : res["checks"])
      if (c["verdict"] == "FAIL") failing.push_back({{id_key, s[id_key]}, {"row", row_text(c)}});
    if (!failing.empty()) break;
  }
  summary["failing_rows"] = failing;
  if (failing.empty()) return;
  const std::string at = failing[0][id_key].get<std::string>();
  std::cout << (reverse ? "rows failing before the fix" : "failing rows") << " ("
            << (id_key == "commit" ? at.substr(0, 12) : at) << "):\n";
  for (auto& f : failing) std::cout << "    " << f["row"].get<std::string>() << "\n";
}

}  // namespace cxlrig
