// Everything the night's outputs show, gathered once: the night, what changed, each cell's
// last nights from the history, and the night's exit code. The terminal summary, the page,
// JUnit and KCIDB are pure functions of it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "HistoryDb.h"
#include "NightDiff.h"
#include "NightRecord.h"

namespace cxlrig {

struct NightView {
  NightRecord night;
  std::vector<Change> changes;
  std::map<std::string, std::vector<HistoryDb::TrailPoint>> trails;  // by cell key, oldest first, tonight last
  int exit_code = 0;
  std::string out_dir;  // where the page lives: artifact links are relative to it
  std::vector<std::string> missing;  // cells of the matrix no shard ran (MISS)
  KnownIssues known;                 // the night's known issues, for outputs that cite them

  bool red(const std::string& cell) const;
};

void print_night_summary(const NightView& v, std::ostream& out);
std::string night_page_html(const NightView& v);
std::string night_junit_xml(const NightView& v);

}  // namespace cxlrig
