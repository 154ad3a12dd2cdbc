#include "Report.h"

#include <algorithm>
#include <sstream>

#include "Hex.h"
#include "InputError.h"
#include "JunitXml.h"

namespace cxlrig {

size_t RunResult::count(Verdict v) const {
  return std::count_if(rows.begin(), rows.end(), [&](auto& r) { return r.verdict == v; });
}

int RunResult::exit_code() const {
  // A check that failed outranks an infrastructure problem that came after it: the bug
  // was seen. A splat once the agent is up is the kernel's fault (1); before that it is a
  // boot failure (125), which bisect skips.
  if (count(Verdict::kFail) > 0) return kExitFail;
  if (!splats.empty() && booted) return kExitFail;  // any WARN/Oops/KASAN/panic is a finding
  if (error_code) return *error_code;
  if (!splats.empty() || count(Verdict::kPass) == 0) return kExitInfra;  // nothing was judged: not a verdict
  return kExitPass;
}

namespace {
// Observer columns in a fixed order; only those some row has are shown.
const std::vector<std::string> kObserverOrder = {"notify", "holder", "sigbus", "mf", "kmsg", "qmp", "cxl", "sysfs", "agent"};

std::string cell_text(const CheckRow& r, const std::string& observer) {
  const ObserverCell* c = r.cell(observer);
  if (!c) return "";
  if (c->verdict == Verdict::kFail) return "!" + c->observed;
  return c->observed == "none" ? "-" : c->observed;
}
}  // namespace

std::string render_table(const RunResult& r) {
  std::vector<std::string> observers;
  for (auto& o : kObserverOrder)
    if (std::any_of(r.rows.begin(), r.rows.end(), [&](auto& c) { return c.cell(o) != nullptr; })) observers.push_back(o);
  const bool many = std::any_of(r.rows.begin(), r.rows.end(), [](auto& c) { return c.layout > 0; });
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head;
  if (many) head.push_back("L");
  for (auto h : {"device", "driver", "range", "point", "phys", "offset", "path"}) head.push_back(h);
  head.insert(head.end(), observers.begin(), observers.end());
  head.push_back("verdict");
  rows.push_back(head);
  for (auto& c : r.rows) {
    std::vector<std::string> row;
    if (many) row.push_back(std::to_string(c.layout));
    for (auto v : {c.device.empty() ? "-" : c.device, c.driver, c.range ? std::to_string(*c.range) : "-", c.point,
                   c.phys ? hex(*c.phys) : "-", c.expected, c.path})
      row.push_back(v);
    for (auto& o : observers) row.push_back(cell_text(c, o));
    row.push_back(to_string(c.verdict));
    rows.push_back(row);
  }
  std::vector<size_t> w(rows[0].size(), 0);
  for (auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
  std::ostringstream o;
  for (size_t k = 0; k < rows.size(); ++k) {
    for (size_t i = 0; i < rows[k].size(); ++i) {
      o << rows[k][i];
      if (i + 1 < rows[k].size()) o << std::string(w[i] - rows[k][i].size() + 2, ' ');
    }
    o << '\n';
    if (k > 0 && r.rows[k - 1].verdict != Verdict::kPass && !r.rows[k - 1].reason.empty())
      o << "    " << (r.rows[k - 1].verdict == Verdict::kSkip ? "skip: " : "why: ") << r.rows[k - 1].reason << '\n';
  }
  if (!observers.empty())
    o << "(offset: what the kernel must report; observer cells show what it did, ! marks a disagreement, - nothing)\n";
  for (auto& s : r.splats) o << "kernel splat (" << s.kind << ", console line " << s.line << "): " << s.title << '\n';
  for (auto& rep : r.reproduce) o << "reproduce: " << rep << '\n';
  o << r.count(Verdict::kPass) << " passed, " << r.count(Verdict::kFail) << " failed, " << r.count(Verdict::kSkip)
    << " skipped";
  if (!r.error.empty()) o << "\nerror: " << r.error;
  o << '\n';
  return o.str();
}

nlohmann::json to_results_json(const RunResult& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (auto& c : r.rows)
  {
    nlohmann::json cells = nlohmann::json::object();
    for (auto& cell : c.cells)
      cells[cell.observer] = {{"expected", cell.expected}, {"observed", cell.observed}, {"verdict", to_string(cell.verdict)}};
    checks.push_back({{"key", c.key},
                      {"id", c.id},
                      {"layout", c.layout},
                      {"device", c.device},
                      {"driver", c.driver},
                      {"range", c.range ? nlohmann::json(*c.range) : nlohmann::json()},
                      {"point", c.point},
                      {"phys", c.phys ? nlohmann::json(hex(*c.phys)) : nlohmann::json()},
                      {"expected_offset", c.expected},
                      {"path", c.path},
                      {"observers", cells},
                      {"verdict", to_string(c.verdict)},
                      {"reason", c.reason},
                      {"details", c.details}});
  }
  nlohmann::json splats = nlohmann::json::array();
  for (auto& s : r.splats) splats.push_back(to_json(s));
  nlohmann::json phases = nlohmann::json::array();
  for (auto& [n, ms] : r.phases.entries) phases.push_back({{"name", n}, {"ms", ms}});
  const int code = r.exit_code();
  nlohmann::json kernel = r.kernel;
  if (!r.kernel_release.empty()) kernel["release"] = r.kernel_release;
  return {{"schema", "cxlrig.results/3"},
          {"cxlrig_version", CXLRIG_VERSION},
          {"scenario", r.scenario},
          {"guards", r.guards},
          {"topology", r.topology},
          {"seed", r.seed},
          {"layouts_requested", r.layouts_requested},
          {"inject", r.inject},
          {"reproduce", r.reproduce},
          {"accel", r.accel},
          {"started", r.started},
          {"duration_s", r.duration_s},
          {"kernel", kernel},
          {"capabilities", r.capabilities},
          {"layouts", r.layouts},
          {"checks", checks},
          {"splats", splats},
          {"phases", phases},
          {"summary", {{"pass", r.count(Verdict::kPass)}, {"fail", r.count(Verdict::kFail)}, {"skip", r.count(Verdict::kSkip)}}},
          {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)},
          {"booted", r.booted},
          {"exit_code", code},
          {"verdict", code == 0 ? "PASS" : code == 1 ? "FAIL" : code == kExitUsage ? "USAGE" : code == kExitInterrupted ? "INTERRUPTED" : "ERROR"},
          {"artifacts", r.artifacts_dir},
          {"guests", r.guests},
          {"race", r.race}};
}

std::string to_junit_xml(const RunResult& r) {
  JunitXml x;
  auto suite = x.suite("cxlrig." + r.scenario + "." + r.topology, r.duration_s, r.started);
  suite.property("kernel", r.kernel.value("version", ""));
  suite.property("seed", std::to_string(r.seed));
  suite.property("accel", r.accel);
  for (auto& c : r.rows) {
    const std::string classname = "cxlrig." + r.scenario + "." + c.driver;
    // The stable key names the testcase, so a CI system tracks it across kernels and nights.
    const std::string name = c.key.empty() ? c.id : c.key;
    std::string detail = c.id + ": phys=" + (c.phys ? hex(*c.phys) : std::string("-")) + " offset=" + c.expected + " path=" + c.path;
    for (auto& cell : c.cells) detail += " " + cell.observer + "=" + cell.observed + "(want " + cell.expected + ")";
    if (c.verdict == Verdict::kFail) suite.failed(classname, name, c.reason, detail);
    else if (c.verdict == Verdict::kSkip) suite.skipped(classname, name, c.reason);
    else suite.passed(classname, name);
  }
  for (auto& s : r.splats) suite.failed("cxlrig." + r.scenario + ".console", s.title, s.title, s.report);
  if (!r.error.empty()) suite.error("cxlrig." + r.scenario, "run", r.error);
  return x.str();
}

}  // namespace cxlrig
