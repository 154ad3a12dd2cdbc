// nightly.html: one self-contained page (inline CSS and SVG, no script, no fetches) that a
// CI system can keep as an artifact. Regressions at the top; the matrix grid (a column per
// kernel, a row per scenario/topology/seed) coloured by verdict, each cell with its link to
// its artifacts, its reproduce line and a strip of its last nights; durations over nights.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "NightView.h"

namespace cxlrig {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string rel(const std::string& path, const std::string& base) {
  if (path.empty() || base.empty()) return path;
  std::error_code ec;
  auto r = std::filesystem::relative(path, base, ec);
  return ec || r.empty() ? path : r.string();
}

std::string num(double d) {
  std::ostringstream o;
  o.precision(1);
  o << std::fixed << d;
  return o.str();
}

const char* kStyle = R"(
body{font-family:sans-serif;margin:1.2em;color:#222}
h1{font-size:1.3em} h2{font-size:1.1em;margin-top:1.4em}
table{border-collapse:collapse} td,th{border:1px solid #bbb;padding:4px 6px;vertical-align:top;font-size:.85em}
th{background:#eee;text-align:left}
td.cell{min-width:11em} td.pass{background:#d7f2d7} td.fail{background:#f7d4d4} td.infra{background:#ddd}
td.red{background:#f08a8a;outline:3px solid #b00000} td.none{background:#fafafa;color:#999}
.v{font-weight:bold} .strip span{display:inline-block;width:9px;height:9px;margin-right:1px;border:1px solid #777}
.strip .pass{background:#3a3} .strip .fail{background:#c33} .strip .infra{background:#999}
code{font-size:.8em;word-break:break-all} #regressions{border:2px solid #b00000;padding:.5em;background:#fff4f4}
#regressions.none{border-color:#3a3;background:#f4fff4} .known{color:#666}
)";

}  // namespace

std::string night_page_html(const NightView& v) {
  const NightRecord& n = v.night;
  std::vector<std::string> kernels, rows;
  std::map<std::pair<std::string, std::string>, const CellRecord*> at;
  for (auto& c : n.cells) {
    if (std::find(kernels.begin(), kernels.end(), c.kernel) == kernels.end()) kernels.push_back(c.kernel);
    const std::string row = c.scenario + " / " + c.topology + " / seed " + std::to_string(c.seed);
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
    at[{row, c.kernel}] = &c;
  }
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cxlrig nightly " << esc(n.id)
    << "</title><style>" << kStyle << "</style></head><body>\n";
  h << "<h1>cxlrig nightly: " << esc(n.matrix) << ", night " << esc(n.id) << "</h1>\n";
  size_t pass = 0, fail = 0, infra = 0;
  for (auto& c : n.cells) (c.status == "pass" ? pass : c.status == "fail" ? fail : infra)++;
  h << "<p id=\"verdict\" data-exit=\"" << v.exit_code << "\">" << n.cells.size() << " cells: " << pass << " pass, "
    << fail << " fail, " << infra << " infrastructure. "
    << (v.exit_code == 1 ? "<b>Red: something new failed.</b>" : v.exit_code == 125 ? "<b>No verdict: every cell was infrastructure.</b>" : "Nothing new failed.")
    << " Started " << esc(n.started) << ", finished " << esc(n.finished) << ".</p>\n";

  // What needs a human first.
  std::vector<const Change*> red;
  for (auto& c : v.changes)
    if (c.red()) red.push_back(&c);
  h << "<section id=\"regressions\"" << (red.empty() ? " class=\"none\"" : "") << "><h2>Regressions, new failures and new splats ("
    << red.size() << ")</h2>\n";
  if (red.empty()) h << "<p>None since the last night of each cell.</p>\n";
  else {
    h << "<table><tr><th>change</th><th>cell</th><th>row or splat</th><th>was &rarr; now</th><th>since</th><th>reason</th></tr>\n";
    for (auto* c : red)
      h << "<tr class=\"regression\" data-cell=\"" << esc(c->cell) << "\" data-row=\"" << esc(c->subject) << "\"><td>"
        << esc(to_string(c->kind)) << "</td><td>" << esc(c->cell) << "</td><td><code>" << esc(c->subject)
        << "</code></td><td>" << esc(c->was.empty() ? "-" : c->was) << " &rarr; " << esc(c->now) << "</td><td>"
        << esc(c->since.empty() ? "(first night)" : c->since) << "</td><td>" << esc(c->reason) << "</td></tr>\n";
    h << "</table>\n";
  }
  h << "</section>\n";

  // The grid.
  h << "<h2>Matrix</h2>\n<table id=\"grid\"><tr><th>scenario / topology / seed</th>";
  for (auto& k : kernels) {
    // The kernel under the name tonight (a packaged ABI, or commit, config and patches).
    std::string id;
    for (auto& c : n.cells)
      if (c.kernel == k) id = c.kernel_id.describe();
    h << "<th class=\"kernel\">" << esc(k) << "<br><small>" << esc(id) << "</small></th>";
  }
  h << "</tr>\n";
  for (auto& r : rows) {
    h << "<tr><th>" << esc(r) << "</th>";
    for (auto& k : kernels) {
      auto it = at.find({r, k});
      if (it == at.end()) {
        h << "<td class=\"cell none\">not in the matrix</td>";
        continue;
      }
      const CellRecord& c = *it->second;
      size_t p = 0, f = 0, s = 0;
      for (auto& row : c.rows) (row.verdict == "PASS" ? p : row.verdict == "FAIL" ? f : s)++;
      const bool is_red = v.red(c.key);
      h << "<td class=\"cell " << esc(c.status) << (is_red ? " red" : "") << "\" data-cell=\"" << esc(c.key)
        << "\" data-status=\"" << esc(c.status) << "\" data-red=\"" << (is_red ? 1 : 0) << "\">";
      h << "<span class=\"v\">" << esc(c.status == "infra" ? "INFRA" : c.status == "pass" ? "PASS" : "FAIL") << "</span> "
        << p << "/" << f << "/" << s << " <small>P/F/S</small>, " << num(c.duration_s) << " s";
      if (is_red) h << " <b>NEW</b>";
      if (!c.reason.empty()) h << "<br><small>" << esc(c.reason) << "</small>";
      if (c.command == "race" && c.race.runs > 0) {
        h << "<br><small class=\"hits\" data-hits=\"" << c.race.hits << "\" data-runs=\"" << c.race.runs << "\">hit "
          << c.race.hits << " of " << c.race.runs << " runs";
        if (c.race.median_first_hit_s >= 0) h << ", first hit " << num(c.race.median_first_hit_s) << " s (median)";
        h << "</small>";
      }
      for (auto& sp : c.splats) h << "<br><small class=\"splat\">" << esc(sp.title) << " (" << sp.count << ")</small>";
      h << "<br><a href=\"" << esc(rel(c.artifacts, v.out_dir)) << "/\">artifacts</a>";
      if (!c.reproduce.empty())
        h << "<details><summary>reproduce</summary><code class=\"reproduce\">" << esc(c.reproduce) << "</code></details>";
      h << "<div class=\"strip\" title=\"last nights, oldest first\">";
      if (auto t = v.trails.find(c.key); t != v.trails.end())
        for (auto& pt : t->second) h << "<span class=\"" << esc(pt.status) << "\" title=\"" << esc(pt.night) << ": " << esc(pt.status) << "\"></span>";
      h << "</div></td>";
    }
    h << "</tr>\n";
  }
  h << "</table>\n";

  // Other changes, for the record.
  std::vector<const Change*> other;
  for (auto& c : v.changes)
    if (!c.red()) other.push_back(&c);
  h << "<h2>Other changes (" << other.size() << ")</h2>\n";
  if (!other.empty()) {
    h << "<table id=\"changes\"><tr><th>change</th><th>cell</th><th>row or splat</th><th>was &rarr; now</th><th>known issue</th><th>reason</th></tr>\n";
    for (auto* c : other)
      h << "<tr><td>" << esc(to_string(c->kind)) << "</td><td>" << esc(c->cell) << "</td><td><code>" << esc(c->subject)
        << "</code></td><td>" << esc(c->was.empty() ? "-" : c->was) << " &rarr; " << esc(c->now.empty() ? "-" : c->now)
        << "</td><td class=\"known\">" << (c->known_link.empty() ? "" : "<a href=\"" + esc(c->known_link) + "\">" + esc(c->known_id) + "</a>")
        << "</td><td>" << esc(c->reason) << "</td></tr>\n";
    h << "</table>\n";
  }
  if (!v.missing.empty()) {
    h << "<h2>Missing (no shard ran them)</h2><ul id=\"missing\">";
    for (auto& m : v.missing) h << "<li>" << esc(m) << "</li>";
    h << "</ul>\n";
  }

  // Durations over nights: one line per cell.
  std::vector<std::string> nights;
  double max_d = 1;
  for (auto& [cell, pts] : v.trails)
    for (auto& p : pts) {
      if (std::find(nights.begin(), nights.end(), p.night) == nights.end()) nights.push_back(p.night);
      max_d = std::max(max_d, p.duration_s);
    }
  std::sort(nights.begin(), nights.end());
  const int W = 640, H = 220, L = 50, B = 30;
  h << "<h2>Cell durations over nights</h2>\n<svg id=\"durations\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W + 260
    << "\" height=\"" << H + B + 10 << "\">\n";
  h << "<line x1=\"" << L << "\" y1=\"" << H << "\" x2=\"" << W << "\" y2=\"" << H << "\" stroke=\"#555\"/>"
    << "<line x1=\"" << L << "\" y1=\"10\" x2=\"" << L << "\" y2=\"" << H << "\" stroke=\"#555\"/>"
    << "<text x=\"2\" y=\"16\" font-size=\"11\">" << num(max_d) << " s</text><text x=\"2\" y=\"" << H << "\" font-size=\"11\">0 s</text>\n";
  auto x_of = [&](const std::string& night) {
    const size_t i = std::find(nights.begin(), nights.end(), night) - nights.begin();
    return nights.size() < 2 ? (L + W) / 2.0 : L + 10 + (W - L - 20) * double(i) / double(nights.size() - 1);
  };
  for (size_t i = 0; i < nights.size(); ++i)
    h << "<text x=\"" << num(x_of(nights[i]) - 20) << "\" y=\"" << H + 16 << "\" font-size=\"9\">" << esc(nights[i].substr(0, 16)) << "</text>";
  static const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  size_t line = 0;
  for (auto& [cell, pts] : v.trails) {
    const char* col = kColours[line % std::size(kColours)];
    std::string points;
    for (auto& p : pts) points += num(x_of(p.night)) + "," + num(H - (H - 20) * p.duration_s / max_d) + " ";
    h << "<polyline fill=\"none\" stroke=\"" << col << "\" stroke-width=\"1.5\" points=\"" << points << "\"><title>" << esc(cell)
      << "</title></polyline>";
    for (auto& p : pts)
      h << "<circle cx=\"" << num(x_of(p.night)) << "\" cy=\"" << num(H - (H - 20) * p.duration_s / max_d) << "\" r=\"2.5\" fill=\"" << col
        << "\"><title>" << esc(cell + " " + p.night + ": " + num(p.duration_s) + " s") << "</title></circle>";
    if (line < 16) h << "<text x=\"" << W + 10 << "\" y=\"" << 20 + 13 * line << "\" font-size=\"10\" fill=\"" << col << "\">" << esc(cell) << "</text>";
    h << "\n";
    ++line;
  }
  h << "</svg>\n</body></html>\n";
  return h.str();
}

}  // namespace cxlrig
