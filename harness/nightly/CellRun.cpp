#include "CellRun.h"

#include <chrono>
#include <filesystem>

#include "CellResults.h"
#include "InputError.h"
#include "Subprocess.h"
#include "TextFile.h"

namespace cxlrig {

namespace fs = std::filesystem;

std::vector<std::string> cell_argv(const MatrixCell& cell, const NightKernel& kernel, const CellRunOptions& o) {
  const MatrixScenario& s = *cell.spec;
  std::vector<std::string> a = {o.cxlrig, s.race ? "race" : "run", "--scenario", cell.scenario, "--topology",
                                cell.topology, "--seed", std::to_string(cell.seed), "--out", o.out_dir};
  const auto& k = s.race ? kernel.race_args : kernel.run_args;
  a.insert(a.end(), k.begin(), k.end());
  if (s.runs) a.insert(a.end(), {"--runs", std::to_string(*s.runs)});
  if (s.duration_s) a.insert(a.end(), {"--duration", std::to_string(*s.duration_s)});
  if (s.layouts) a.insert(a.end(), {"--layouts", std::to_string(*s.layouts)});
  a.insert(a.end(), o.extra.begin(), o.extra.end());
  return a;
}

CellRecord cell_record(const MatrixCell& cell, const NightKernel& kernel, const std::string& out_dir) {
  CellRecord c;
  c.key = cell.key;
  c.kernel = kernel.id.name;
  c.topology = cell.topology;
  c.scenario = cell.scenario;
  c.seed = cell.seed;
  c.command = cell.spec->race ? "race" : "run";
  c.kernel_id = kernel.id;
  c.started = utc_now();
  c.artifacts = fs::absolute(out_dir).string();
  return c;
}

CellRecord run_cell(const MatrixCell& cell, const NightKernel& kernel, const CellRunOptions& o) {
  CellRecord c = cell_record(cell, kernel, o.out_dir);
  fs::create_directories(o.out_dir);
  if (!kernel.error.empty()) {
    read_cell_results(c, kExitInfra, nullptr, "kernel " + kernel.id.name + ": " + kernel.error.substr(0, 400));
    return c;
  }
  const auto argv = cell_argv(cell, kernel, o);
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = run_logged(argv, o.out_dir + "/cxlrig.log", std::chrono::seconds(o.timeout_s));
  c.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json results;
  std::string problem;
  const std::string path = o.out_dir + "/results.json";
  try {
    if (fs::exists(path)) results = nlohmann::json::parse(read_text_file(path));
    else problem = "no results.json (see " + o.out_dir + "/cxlrig.log)";
  } catch (const std::exception& e) {
    problem = "unreadable results.json: " + std::string(e.what()).substr(0, 200);
  }
  if (rc == 124) {
    read_cell_results(c, kExitInfra, nullptr, "cell timed out after " + std::to_string(o.timeout_s) + " s");
    return c;
  }
  read_cell_results(c, rc, results, problem);
  // The line a developer types to run this cell alone (the run's own reproduce lines,
  // for its failing layouts, stay in its results.json).
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--out") {
      ++i;
      continue;
    }
    c.reproduce += (i ? " " : "") + (i == 0 ? std::string("cxlrig") : argv[i]);
  }
  return c;
}

}  // namespace cxlrig
