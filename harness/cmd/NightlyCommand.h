// `cxlrig nightly MATRIX` runs the night's cells and reports what changed since the last
// night; `cxlrig nightly merge DIR...` folds shards' outputs into one history and one page.
#pragma once
#include <string>
#include <vector>

namespace cxlrig {

struct NightlyOptions {
  std::string matrix;
  std::string out;
  std::string db;        // empty: default_history_path() (none for a shard of several)
  std::string shard = "1/1";
  std::string night;     // the night's id; default: its start time
  std::string known;     // known-issues file; default: the matrix's
  unsigned jobs = 0;     // cells at once; 0: default_cell_jobs()
  std::string cache_dir;
  std::string accel = "auto";
};

struct MergeOptions {
  std::vector<std::string> dirs;
  std::string out;
  std::string db;
  std::string known;
  unsigned flaky_window = 5;
};

int nightly_command(const NightlyOptions& o);
int nightly_merge_command(const MergeOptions& o);

// $XDG_DATA_HOME/cxlrig/history.sqlite (~/.local/share/cxlrig/...).
std::string default_history_path();
// Cells that fit at once: one per core, bounded by available memory at 2 GiB per guest.
// A cell's guest idles for much of its run (boot I/O, settles after each injection), so on
// 2 cores two cells at once did 1.5x the cells per hour of one (bench/nightly_bench.cpp).
unsigned default_cell_jobs();

}  // namespace cxlrig
