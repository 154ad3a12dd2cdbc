#include "JunitXml.h"

#include <sstream>

namespace cxlrig {

namespace {

const char* const kCounters[] = {"tests", "failures", "errors", "skipped"};

void bump(pugi::xml_node n, const char* counter) {
  if (!counter) return;
  auto a = n.attribute(counter);
  a.set_value(a.as_uint() + 1);
}

void add_counters(pugi::xml_node n) {
  for (auto c : kCounters) n.append_attribute(c) = 0u;
}

}  // namespace

JunitXml::JunitXml(const std::string& name) {
  auto decl = doc_.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  root_ = doc_.append_child("testsuites");
  if (!name.empty()) root_.append_attribute("name") = name.c_str();
  add_counters(root_);
}

JunitXml::Suite JunitXml::suite(const std::string& name, double time_s, const std::string& timestamp) {
  auto s = root_.append_child("testsuite");
  s.append_attribute("name") = name.c_str();
  add_counters(s);
  s.append_attribute("time") = time_s;
  s.append_attribute("timestamp") = timestamp.c_str();
  return Suite(s, root_);
}

std::string JunitXml::str() const {
  std::ostringstream o;
  doc_.save(o, "  ");
  return o.str();
}

void JunitXml::Suite::property(const char* name, const std::string& value) {
  auto props = suite_.child("properties");
  if (!props) props = suite_.prepend_child("properties");
  auto p = props.append_child("property");
  p.append_attribute("name") = name;
  p.append_attribute("value") = value.c_str();
}

pugi::xml_node JunitXml::Suite::add(const std::string& classname, const std::string& name, const char* counter) {
  auto tc = suite_.append_child("testcase");
  tc.append_attribute("classname") = classname.c_str();
  tc.append_attribute("name") = name.c_str();
  for (auto n : {suite_, root_}) {
    bump(n, "tests");
    bump(n, counter);
  }
  return tc;
}

void JunitXml::Suite::passed(const std::string& classname, const std::string& name) { add(classname, name, nullptr); }

void JunitXml::Suite::failed(const std::string& classname, const std::string& name, const std::string& message,
                             const std::string& text) {
  auto f = add(classname, name, "failures").append_child("failure");
  f.append_attribute("message") = message.c_str();
  if (!text.empty()) f.text() = text.c_str();
}

void JunitXml::Suite::skipped(const std::string& classname, const std::string& name, const std::string& message) {
  add(classname, name, "skipped").append_child("skipped").append_attribute("message") = message.c_str();
}

void JunitXml::Suite::error(const std::string& classname, const std::string& name, const std::string& message) {
  add(classname, name, "errors").append_child("error").append_attribute("message") = message.c_str();
}

}  // namespace cxlrig
