// The night as one JUnit file for CI systems: a testsuite per cell, a testcase per row,
// `failure` with the row's reason; a cell that could not be judged is one `error` case
// (infrastructure, apart from failures), a splat a failing case of its own.
#include "JunitXml.h"
#include "NightView.h"

namespace cxlrig {

std::string night_junit_xml(const NightView& v) {
  JunitXml x("cxlrig nightly " + v.night.id);
  for (auto& c : v.night.cells) {
    auto s = x.suite(c.key, c.duration_s, c.started);
    s.property("kernel", c.kernel_id.describe());
    s.property("artifacts", c.artifacts);
    if (!c.reproduce.empty()) s.property("reproduce", c.reproduce);
    if (c.status == "infra") s.error(c.key, "infrastructure", c.reason);
    for (auto& r : c.rows) {
      if (r.verdict == "FAIL") s.failed(c.key, r.key, r.reason);
      else if (r.verdict == "SKIP") s.skipped(c.key, r.key, r.reason);
      else s.passed(c.key, r.key);
    }
    for (auto& sp : c.splats) s.failed(c.key, "splat: " + sp.title, sp.title + " (" + std::to_string(sp.count) + "x)", sp.report);
  }
  return x.str();
}

}  // namespace cxlrig
