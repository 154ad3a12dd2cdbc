// The end of a night (or of a merge of shards): what changed against the history, the
// night stored, and the outputs written into the out dir: nightly.html, junit.xml,
// kcidb.json, summary.txt and night.json. Returns the night's exit code.
#pragma once
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "HistoryDb.h"
#include "KnownIssues.h"
#include "NightRecord.h"

namespace cxlrig {

struct NightCloseOptions {
  std::string out_dir;
  HistoryDb* db = nullptr;     // null: no history (a shard of several); nothing is compared
  KnownIssues known;
  unsigned flaky_window = 5;
  unsigned trail_nights = 14;  // nights in each cell's strip on the page
};

void write_night_record(const NightRecord& n, const std::string& out_dir);
int close_night(const NightRecord& n, const NightCloseOptions& o, std::ostream& out);

}  // namespace cxlrig
