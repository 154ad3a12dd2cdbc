#include "NightClose.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "InputError.h"
#include "KcidbReport.h"
#include "NightView.h"

namespace cxlrig {

namespace {

void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    if (!f) throw InfraError("cannot write " + path);
  }
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

void write_night_record(const NightRecord& n, const std::string& out_dir) {
  write_file(out_dir + "/night.json", to_json(n).dump(1) + "\n");
}

int close_night(const NightRecord& n, const NightCloseOptions& o, std::ostream& out) {
  NightView v;
  v.night = n;
  v.out_dir = o.out_dir;
  v.known = o.known;
  std::set<std::string> ran;
  for (auto& c : n.cells) ran.insert(c.key);
  // A shard of several runs only its part: what the others run is missing only once merged.
  const bool whole = n.shard.empty() || n.shard == "1/1";
  for (auto& e : n.expected_cells)
    if (whole && !ran.count(e)) v.missing.push_back(e);
  for (auto& c : n.cells) {
    std::vector<PastCell> past;
    if (o.db) past = o.db->past(c.key, n.started, std::max(1u, o.flaky_window));
    auto ch = diff_cell(c, past, o.known, o.flaky_window);
    v.changes.insert(v.changes.end(), ch.begin(), ch.end());
  }
  v.exit_code = night_exit_code(n.cells, v.changes);
  write_night_record(n, o.out_dir);
  if (o.db) {
    o.db->record(n);
    for (auto& c : n.cells) v.trails[c.key] = o.db->trail(c.key, n.started, o.trail_nights);
  } else {
    for (auto& c : n.cells) v.trails[c.key] = {{n.id, c.status, c.duration_s}};
  }
  write_file(o.out_dir + "/nightly.html", night_page_html(v));
  write_file(o.out_dir + "/junit.xml", night_junit_xml(v));
  const nlohmann::json kcidb = kcidb_report(v);
  for (auto& p : kcidb_problems(kcidb)) std::cerr << "cxlrig: kcidb.json: " << p << "\n";
  write_file(o.out_dir + "/kcidb.json", kcidb.dump(1) + "\n");
  std::ostringstream summary;
  print_night_summary(v, summary);
  write_file(o.out_dir + "/summary.txt", summary.str());
  out << summary.str();
  out << "page: " << o.out_dir << "/nightly.html  junit: " << o.out_dir << "/junit.xml  kcidb: " << o.out_dir
      << "/kcidb.json\n";
  return v.exit_code;
}

}  // namespace cxlrig
