#include "Report.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "InputError.h"

using namespace cxlrig;

namespace {
RunResult sample() {
  RunResult r;
  r.scenario = "multirange-poison";
  r.topology = "vmem-1";
  r.kernel = {{"version", "7.3.4+deb13-amd64"}};
  CheckRow pass;
  pass.id = "dax0.0/r0/first/corrupt_pfn";
  pass.device = "dax0.0";
  pass.driver = "fsdev_dax";
  pass.range = 0;
  pass.point = "first";
  pass.phys = 0x3d4000000;
  pass.expected = "0x0";
  pass.path = "corrupt_pfn";
  pass.cells = {{"notify", "0x0/0x20", "0x0/0x20", Verdict::kPass}, {"mf", "0x3d4000/0x20", "0x3d4000/0x20", Verdict::kPass}};
  r.rows.push_back(pass);
  CheckRow skip = pass;
  skip.id = "dax0.0/r1/first/corrupt_pfn";
  skip.verdict = Verdict::kSkip;
  skip.reason = "kernel has no fsdev_dax";
  r.rows.push_back(skip);
  return r;
}
}  // namespace

TEST(Report, ExitCodes) {
  auto r = sample();
  EXPECT_EQ(r.exit_code(), 0);
  r.rows[0].verdict = Verdict::kFail;
  EXPECT_EQ(r.exit_code(), 1);
  r = sample();
  r.booted = true;
  r.splats.push_back({"warning", "WARNING in f", 10, "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2", "", "f"});
  EXPECT_EQ(r.exit_code(), 1);
  r.booted = false;  // panicked before the agent came up: a boot failure, not the bug
  r.rows.clear();
  r.error_code = kExitInfra;
  EXPECT_EQ(r.exit_code(), 125);
  r = sample();
  r.error_code = kExitInfra;
  r.error = "guest hung";
  EXPECT_EQ(r.exit_code(), 125);
  r = sample();
  r.rows.resize(1);
  r.rows[0].verdict = Verdict::kSkip;
  EXPECT_EQ(r.exit_code(), 125) << "nothing judged is not a pass";
}

TEST(Report, TableShowsRowsReasonsAndSummary) {
  auto t = render_table(sample());
  EXPECT_NE(t.find("device"), std::string::npos);
  EXPECT_NE(t.find("0x3d4000000"), std::string::npos);
  EXPECT_NE(t.find("skip: kernel has no fsdev_dax"), std::string::npos);
  EXPECT_NE(t.find("1 passed, 0 failed, 1 skipped"), std::string::npos);
  EXPECT_NE(t.find("notify"), std::string::npos);  // one column per observer
  EXPECT_NE(t.find("0x3d4000/0x20"), std::string::npos);
  EXPECT_EQ(t.find("sigbus"), std::string::npos);  // no row observed it: no column
}

TEST(Report, FailingCellIsMarkedAndReproduceLinePrinted) {
  auto r = sample();
  r.rows[0].cells[0].verdict = Verdict::kFail;
  r.rows[0].cells[0].observed = "0x200000/0x20";
  r.rows[0].verdict = Verdict::kFail;
  r.reproduce.push_back("cxlrig run --seed 7 --layouts 1");
  auto t = render_table(r);
  EXPECT_NE(t.find("!0x200000/0x20"), std::string::npos);
  EXPECT_NE(t.find("reproduce: cxlrig run --seed 7 --layouts 1"), std::string::npos);
  auto j = to_results_json(r);
  EXPECT_EQ(j["checks"][0]["observers"]["notify"]["verdict"], "FAIL");
  EXPECT_EQ(j["reproduce"][0], "cxlrig run --seed 7 --layouts 1");
}

TEST(Report, ResultsJsonSchema) {
  auto j = to_results_json(sample());
  EXPECT_EQ(j["schema"], "cxlrig.results/3");
  EXPECT_EQ(j["summary"]["pass"], 1);
  EXPECT_EQ(j["checks"][1]["verdict"], "SKIP");
  EXPECT_EQ(j["checks"][0]["phys"], "0x3d4000000");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["verdict"], "PASS");
}

TEST(Report, JunitIsValidXmlWithCounts) {
  auto r = sample();
  r.rows[0].verdict = Verdict::kFail;
  r.rows[0].reason = "offset <wrong> & \"bad\"";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(to_junit_xml(r).c_str()));
  auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_EQ(suite.attribute("tests").as_int(), 2);
  EXPECT_EQ(suite.attribute("failures").as_int(), 1);
  EXPECT_EQ(suite.attribute("skipped").as_int(), 1);
  EXPECT_STREQ(suite.child("testcase").child("failure").attribute("message").value(), "offset <wrong> & \"bad\"");
}
