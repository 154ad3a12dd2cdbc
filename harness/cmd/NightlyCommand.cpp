#include "NightlyCommand.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "CellRun.h"
#include "HistoryDb.h"
#include "InputError.h"
#include "Interrupt.h"
#include "KernelStore.h"
#include "KnownIssues.h"
#include "Matrix.h"
#include "NightClose.h"
#include "NightKernels.h"
#include "RegionPlan.h"
#include "RunCommand.h"
#include "Scenario.h"
#include "ScenarioFit.h"
#include "Topology.h"
#include "TtyStatus.h"

namespace cxlrig {

namespace fs = std::filesystem;

std::string default_history_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  const std::string base = xdg && *xdg ? xdg : std::string(home ? home : "/tmp") + "/.local/share";
  return base + "/cxlrig/history.sqlite";
}

unsigned default_cell_jobs() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  uint64_t avail_kib = 0;
  std::ifstream mem("/proc/meminfo");
  for (std::string k; mem >> k;) {
    uint64_t v = 0;
    mem >> v;
    if (k == "MemAvailable:") avail_kib = v;
    mem.ignore(64, '\n');
  }
  const unsigned by_mem = avail_kib ? static_cast<unsigned>(avail_kib / (2ull << 20)) : 1;
  return std::max(1u, std::min(cores, by_mem));
}

namespace {

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw InfraError("cannot find the cxlrig binary (/proc/self/exe)");
  // Rebuilt while the night runs: the cells take the new binary at the same path.
  std::string s = p.string();
  if (s.ends_with(" (deleted)")) s.resize(s.size() - 10);
  return s;
}

std::string stamp_dir() {
  std::string t = utc_now();
  for (char& c : t)
    if (c == ':') c = '-';
  return "runs/nightly-" + t;
}

// Every cell's scenario must fit its topology (the check `cxlrig run` makes before it
// boots, plan/ScenarioFit), so a matrix that pairs a ram-region scenario with a pmem
// topology is refused now, naming the cell, not found as an exit-2 cell in the morning.
void check_cells_fit(const Matrix& m, const std::vector<MatrixCell>& cells, const std::string& data) {
  std::map<std::string, Scenario> scenarios;
  std::map<std::string, Topology> topologies;
  for (auto& c : cells) {
    if (!scenarios.count(c.scenario))
      scenarios.emplace(c.scenario, load_scenario_file(resolve_scenario_path(c.scenario, data)));
    if (!topologies.count(c.topology))
      topologies.emplace(c.topology, load_topology_file(resolve_topology_path(c.topology, data)));
    const Topology& t = topologies.at(c.topology);
    try {
      check_scenario_fits(scenarios.at(c.scenario), t, plan_region(t, 0), c.topology);
    } catch (const InputError& e) {
      throw InputError(m.origin + " cell " + c.key, e.what(),
                       "add {\"scenario\": \"" + c.scenario + "\", \"topology\": \"" + c.topology +
                           "\", \"reason\": ...} to \"exclude\", or give the scenario \"topologies\"");
    }
  }
}

}  // namespace

int nightly_command(const NightlyOptions& o) {
  install_interrupt_handlers();
  const std::string data = data_dir();
  const Matrix m = load_matrix_file(o.matrix, data);
  const auto [shard_i, shard_n] = parse_shard(o.shard);
  const std::vector<MatrixCell> all = expand_cells(m);
  check_cells_fit(m, all, data);
  const std::vector<MatrixCell> cells = shard_cells(all, shard_i, shard_n);
  const std::string known_path = !o.known.empty() ? o.known : m.known_issues;
  KnownIssues known;
  if (!known_path.empty()) known = load_known_issues_file(known_path);
  // The history is opened before any cell runs: a corrupt or locked file stops the night
  // now, not after hours of work. A shard of several keeps none unless told to: `nightly
  // merge` writes the night into the history.
  std::optional<HistoryDb> db;
  if (!o.db.empty()) db.emplace(o.db, "--db");
  else if (shard_n == 1) db.emplace(default_history_path(), "--db (default " + default_history_path() + ")");

  const std::string out = fs::absolute(o.out.empty() ? stamp_dir() : o.out).string();
  fs::create_directories(out + "/cells");
  NightRecord night;
  night.started = utc_now();
  night.id = o.night.empty() ? night.started : o.night;
  night.matrix = m.name;
  night.shard = o.shard;
  for (auto& c : all) night.expected_cells.push_back(c.key);
  write_night_record(night, out);
  std::cout << "nightly: " << m.name << ", night " << night.id << ", " << cells.size() << " of " << all.size()
            << " cells (shard " << o.shard << "), out " << out << (db ? "" : ", no history (merge writes it)") << "\n";

  // Kernels first, once each, in the order the matrix names them.
  const std::string cache = o.cache_dir;
  std::map<size_t, NightKernel> kernels;
  for (auto& c : cells) {
    if (kernels.count(c.kernel)) continue;
    const MatrixKernel& mk = m.kernels[c.kernel];
    std::cout << "kernel " << mk.name << ": " << (mk.built() ? "building" : "fetching") << "\n" << std::flush;
    std::ofstream log(out + "/kernel-" + mk.name + ".log");
    NightKernel nk = prepare_night_kernel(mk, {cache.empty() ? default_cache_dir() : cache, data, 0}, log);
    std::cout << "kernel " << mk.name << ": " << (nk.error.empty() ? nk.id.describe() : "FAILED: " + nk.error.substr(0, 300))
              << " (" << static_cast<int>(nk.seconds) << " s)\n";
    kernels.emplace(c.kernel, std::move(nk));
  }

  const unsigned jobs = o.jobs ? o.jobs : default_cell_jobs();
  CellRunOptions base;
  base.cxlrig = self_exe();
  base.timeout_s = m.cell_timeout_s;
  if (!cache.empty()) base.extra = {"--cache", cache};
  base.extra.insert(base.extra.end(), {"--accel", o.accel});
  std::vector<std::optional<CellRecord>> done(cells.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  size_t finished = 0, failing = 0;
  TtyStatus status;
  const auto t0 = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (size_t i; (i = next++) < cells.size();) {
      if (interrupted()) return;
      CellRunOptions co = base;
      co.out_dir = out + "/cells/" + cells[i].dir_name();
      CellRecord r;
      try {
        r = run_cell(cells[i], kernels.at(cells[i].kernel), co);
      } catch (const Interrupted&) {
        return;
      } catch (const std::exception& e) {
        // The rig itself failed around this cell: the cell is infrastructure, the night goes on.
        r = cell_record(cells[i], kernels.at(cells[i].kernel), co.out_dir);
        r.status = "infra";
        r.reason = e.what();
      }
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      failing += r.status == "fail";
      done[i] = r;
      night.cells.clear();
      for (auto& d : done)
        if (d) night.cells.push_back(*d);
      write_night_record(night, out);  // a night killed half-way keeps what finished
      status.clear();
      if (!status.enabled())
        std::cout << "cell " << finished << "/" << cells.size() << " " << r.key << " " << r.status
                  << (r.status == "infra" ? " (" + r.reason.substr(0, 120) + ")" : "") << ", " << r.rows.size()
                  << " rows, " << static_cast<int>(r.duration_s) << " s\n"
                  << std::flush;
      else {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double eta = el / finished * (cells.size() - finished);
        status.show("nightly: " + std::to_string(finished) + "/" + std::to_string(cells.size()) + " cells, ETA " +
                    format_duration(eta) + ", " + std::to_string(failing) + " failing; last " + r.key + " " + r.status);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned j = 0; j < std::min<size_t>(jobs, cells.size()); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  status.clear();
  if (interrupted()) {
    std::cerr << "cxlrig: nightly interrupted; " << finished << " cells kept in " << out << "/night.json\n";
    throw Interrupted();
  }
  // night.cells holds every cell now: the last worker to finish gathered them.
  night.finished = utc_now();
  return close_night(night, {out, db ? &*db : nullptr, known, m.flaky_window}, std::cout);
}

int nightly_merge_command(const MergeOptions& o) {
  NightRecord merged;
  std::set<std::string> seen;
  for (size_t i = 0; i < o.dirs.size(); ++i) {
    const std::string file = o.dirs[i] + "/night.json";
    if (!fs::exists(file)) throw InputError("DIR " + o.dirs[i], "has no night.json", "pass the --out dir of each shard");
    std::ifstream f(file);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(f);
    } catch (const std::exception& e) {
      throw InputError(file, std::string("not JSON: ") + e.what(), "pass an unmodified night.json");
    }
    NightRecord n = night_from_json(j, file);
    if (i == 0) {
      merged.id = n.id;
      merged.matrix = n.matrix;
      merged.started = n.started;
      merged.finished = n.finished;
      merged.expected_cells = n.expected_cells;
    } else {
      if (n.id != merged.id)
        throw InputError(file + ".id", "night '" + n.id + "' is not the first shard's '" + merged.id + "'",
                         "give every shard the same --night (the CI pipeline's id)");
      if (n.matrix != merged.matrix)
        throw InputError(file + ".matrix", "matrix '" + n.matrix + "' is not the first shard's '" + merged.matrix + "'");
      merged.started = std::min(merged.started, n.started);
      merged.finished = std::max(merged.finished, n.finished);
    }
    for (auto& c : n.cells) {
      if (!seen.insert(c.key).second)
        throw InputError(file, "cell " + c.key + " is in two shards", "pass each shard's dir once");
      // Artifacts copied from the shard's machine sit under the dir given here.
      const std::string local = fs::absolute(o.dirs[i]).string() + "/cells/" + fs::path(c.artifacts).filename().string();
      if (fs::exists(local)) c.artifacts = local;
      merged.cells.push_back(c);
    }
  }
  merged.shard = "";
  const std::string out = fs::absolute(o.out).string();
  fs::create_directories(out);
  const std::string db_path = o.db.empty() ? default_history_path() : o.db;
  HistoryDb db(db_path, o.db.empty() ? "--db (default " + db_path + ")" : "--db");
  KnownIssues known;
  if (!o.known.empty()) known = load_known_issues_file(o.known);
  std::cout << "nightly merge: night " << merged.id << ", " << merged.cells.size() << " cells from " << o.dirs.size()
            << " shards\n";
  return close_night(merged, {out, &db, known, o.flaky_window}, std::cout);
}

}  // namespace cxlrig
