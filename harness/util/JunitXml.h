// JUnit XML as CI systems read it (Jenkins, GitLab, Buildkite): suites of test cases, each
// passed, failed, skipped or in error. The tests/failures/errors/skipped counts of every
// suite and of the whole file follow the cases as they are added, so no writer keeps them.
#pragma once
#include <string>

#include <pugixml.hpp>

namespace cxlrig {

class JunitXml {
 public:
  class Suite {
   public:
    // Properties come first in a suite, whenever they are added.
    void property(const char* name, const std::string& value);
    void passed(const std::string& classname, const std::string& name);
    void failed(const std::string& classname, const std::string& name, const std::string& message,
                const std::string& text = {});
    void skipped(const std::string& classname, const std::string& name, const std::string& message);
    void error(const std::string& classname, const std::string& name, const std::string& message);

   private:
    friend class JunitXml;
    Suite(pugi::xml_node suite, pugi::xml_node root) : suite_(suite), root_(root) {}
    pugi::xml_node add(const std::string& classname, const std::string& name, const char* counter);
    pugi::xml_node suite_, root_;
  };

  explicit JunitXml(const std::string& name = {});  // the <testsuites> name, if any
  Suite suite(const std::string& name, double time_s, const std::string& timestamp);
  std::string str() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

}  // namespace cxlrig
