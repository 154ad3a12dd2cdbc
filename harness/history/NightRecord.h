// What one night holds, as the history stores it and as a shard hands it to `nightly
// merge` (night.json): the cells, each with its kernel's identity, its rows by stable key
// and its splats by title. Plain data; the history, the diff and every output read it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

// Which kernel a cell ran: for a packaged one its ABI and Debian version, for a built one
// the commit (or "" for a tree that is not git) and the config hash, patches included.
struct KernelIdentity {
  std::string name;     // the matrix's name for it
  std::string source;   // packaged, built, user
  std::string abi;      // 7.3.4+deb13-amd64, or the built kernel's release
  std::string version;  // Debian package version
  std::string commit;
  std::string config_hash;
  std::vector<std::string> patches;
  std::string describe() const;  // one line for people
  bool operator==(const KernelIdentity&) const = default;
};

struct RowRecord {
  std::string key;      // the stable row key (judge/RowKey)
  std::string verdict;  // PASS, FAIL, SKIP
  std::string reason;
};

struct SplatRecord {
  std::string title;    // normalised (observe/SplatParser)
  unsigned count = 0;
  std::string report;   // the first full report
};

// A race cell's tally, from its results.json "race" block (judge/RaceCheck): runs, the runs
// that hit an expected title, and the median time to the first hit (-1: no hit). A run
// cell's is all zero.
struct RaceTally {
  unsigned runs = 0;
  unsigned hits = 0;
  double median_first_hit_s = -1;
};

// pass: exit 0; fail: exit 1 (a row failed or a splat was seen); infra: the cell could not
// be judged (exit 125, bad input, no results.json), kept apart from failures.
struct CellRecord {
  std::string key;      // kernel:topology:scenario:seed
  std::string kernel, topology, scenario;
  uint64_t seed = 1;
  std::string command;  // run or race
  KernelIdentity kernel_id;
  std::string status;
  int exit_code = -1;
  double duration_s = 0;
  std::string started;  // UTC, ISO 8601
  std::string reason;   // why infra, or the run's error line
  std::string artifacts;
  std::string reproduce;
  std::vector<RowRecord> rows;
  std::vector<SplatRecord> splats;
  RaceTally race;
  const RowRecord* row(const std::string& key) const;
  bool has_splat(const std::string& title) const;
};

struct NightRecord {
  std::string id;        // the night's name: given (--night) or the start time
  std::string started, finished;
  std::string matrix;    // the matrix's name
  std::string shard;     // "1/1", "2/4"; "" after a merge of all shards
  std::vector<std::string> expected_cells;  // every cell of the matrix (shards: the whole night's)
  std::vector<CellRecord> cells;
};

nlohmann::json to_json(const NightRecord& n);
NightRecord night_from_json(const nlohmann::json& j, const std::string& origin);

// UTC now as 2026-12-01T16:50:03Z.
std::string utc_now();

}  // namespace cxlrig
