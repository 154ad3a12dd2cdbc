// The night as one JUnit file for CI systems: a testsuite per cell, a testcase per row,
// `failure` with the row's reason; a cell that could not be judged is one `error` case
// (infrastructure, apart from failures), a splat a failing case of its own.
#include <pugixml.hpp>

#include <sstream>

#include "NightView.h"

namespace cxlrig {

std::string night_junit_xml(const NightView& v) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = ("cxlrig nightly " + v.night.id).c_str();
  size_t total = 0, failures = 0, errors = 0, skipped = 0;
  for (auto& c : v.night.cells) {
    auto s = suites.append_child("testsuite");
    s.append_attribute("name") = c.key.c_str();
    s.append_attribute("time") = c.duration_s;
    s.append_attribute("timestamp") = c.started.c_str();
    size_t t = 0, f = 0, e = 0, k = 0;
    auto props = s.append_child("properties");
    auto prop = [&](const char* name, const std::string& value) {
      auto p = props.append_child("property");
      p.append_attribute("name") = name;
      p.append_attribute("value") = value.c_str();
    };
    prop("kernel", c.kernel_id.describe());
    prop("artifacts", c.artifacts);
    if (!c.reproduce.empty()) prop("reproduce", c.reproduce);
    if (c.status == "infra") {
      auto tc = s.append_child("testcase");
      tc.append_attribute("classname") = c.key.c_str();
      tc.append_attribute("name") = "infrastructure";
      auto err = tc.append_child("error");
      err.append_attribute("message") = c.reason.c_str();
      ++t, ++e;
    }
    for (auto& r : c.rows) {
      auto tc = s.append_child("testcase");
      tc.append_attribute("classname") = c.key.c_str();
      tc.append_attribute("name") = r.key.c_str();
      ++t;
      if (r.verdict == "FAIL") {
        tc.append_child("failure").append_attribute("message") = r.reason.c_str();
        ++f;
      } else if (r.verdict == "SKIP") {
        tc.append_child("skipped").append_attribute("message") = r.reason.c_str();
        ++k;
      }
    }
    for (auto& sp : c.splats) {
      auto tc = s.append_child("testcase");
      tc.append_attribute("classname") = c.key.c_str();
      tc.append_attribute("name") = ("splat: " + sp.title).c_str();
      auto fl = tc.append_child("failure");
      fl.append_attribute("message") = (sp.title + " (" + std::to_string(sp.count) + "x)").c_str();
      fl.text() = sp.report.c_str();
      ++t, ++f;
    }
    s.append_attribute("tests") = t;
    s.append_attribute("failures") = f;
    s.append_attribute("errors") = e;
    s.append_attribute("skipped") = k;
    total += t, failures += f, errors += e, skipped += k;
  }
  suites.append_attribute("tests") = total;
  suites.append_attribute("failures") = failures;
  suites.append_attribute("errors") = errors;
  suites.append_attribute("skipped") = skipped;
  std::ostringstream o;
  doc.save(o, "  ");
  return o.str();
}

}  // namespace cxlrig
