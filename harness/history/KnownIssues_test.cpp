#include "KnownIssues.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;
using nlohmann::json;

TEST(KnownIssues, ShippedFileParses) {
  auto k = load_known_issues_file(std::string(CXLRIG_DATA_DIR) + "/ci/known-issues.json");
  EXPECT_FALSE(k.all().empty());
  for (auto& i : k.all()) EXPECT_FALSE(i.link.empty()) << i.id;
}

TEST(KnownIssues, MatchesRowsAndTitlesByGlob) {
  auto k = parse_known_issues(json::parse(R"({"schema": "cxlrig.known-issues/1", "issues": [
    {"id": "a", "row": "reconfig/*/mapping-while-bound", "link": "https://lore.kernel.org/a"},
    {"id": "b", "cell": "debian-6.12:*", "title": "BUG: unable to handle * in dax_set_mapping", "link": "https://lore.kernel.org/b"}]})"),
                              "k.json");
  ASSERT_NE(k.for_row("x:vmem-1:s:1", "reconfig/fsdev_dax/mapping-while-bound", "took it"), nullptr);
  EXPECT_EQ(k.for_row("x:vmem-1:s:1", "d0/s1/readback", ""), nullptr);
  EXPECT_NE(k.for_splat("debian-6.12:vmem-1:s:1", "BUG: unable to handle kernel paging request in dax_set_mapping"), nullptr);
  EXPECT_EQ(k.for_splat("debian-7.3:vmem-1:s:1", "BUG: unable to handle kernel paging request in dax_set_mapping"), nullptr);
}

TEST(KnownIssues, BadEntriesAreNamed) {
  auto error_of = [](const char* text) {
    try {
      parse_known_issues(json::parse(text), "k.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of(R"({"schema": "cxlrig.known-issues/1", "issues": [{"id": "a", "link": "l"}]})").find("k.json.issues[0]: needs exactly one"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "cxlrig.known-issues/1", "issues": [{"id": "a", "row": "r"}]})").find("k.json.issues[0].link"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "cxlrig.known-issues/1", "issues": [{"id": "a", "row": "r", "link": "l", "url": "x"}]})")
                .find("k.json.issues[0].url: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "v0", "issues": []})").find("k.json.schema"), std::string::npos);
}

TEST(KnownIssues, ARowEntryCanNameTheReasonItFailsFor) {
  auto k = parse_known_issues(json::parse(R"({"schema": "cxlrig.known-issues/1", "issues": [
    {"id": "uaf", "cell": "*:race-faults-vs-mapping:*", "row": "race/run*",
     "reason": "reproduced: KASAN: * in dax_pgoff_to_phys*", "link": "https://lore.kernel.org/a"}]})"),
                              "k.json");
  const std::string cell = "any-kernel-name:vmem-1:race-faults-vs-mapping:1";
  EXPECT_NE(k.for_row(cell, "race/run0", "reproduced: KASAN: slab-use-after-free Read in dax_pgoff_to_phys after 0.1 s"),
            nullptr);
  // The same row failing for another reason is not this issue.
  EXPECT_EQ(k.for_row(cell, "race/run0", "reproduced: KCSAN: data-race in dax_pgoff_to_phys / mapping_store after 2 s"),
            nullptr);
  EXPECT_EQ(k.for_row(cell, "race/run0", "holder told offset 0x0 for a page at 0x200000"), nullptr);
  CellRecord c;
  c.key = cell;
  c.status = "fail";
  c.rows = {{"race/run0", "FAIL", "holder told offset 0x0 for a page at 0x200000"}};
  EXPECT_FALSE(k.seen_in(k.all()[0], c));
  c.rows[0].reason = "reproduced: KASAN: slab-use-after-free Read in dax_pgoff_to_phys after 0.2 s";
  EXPECT_TRUE(k.seen_in(k.all()[0], c));
  try {
    parse_known_issues(json::parse(R"({"schema": "cxlrig.known-issues/1", "issues": [
      {"id": "t", "title": "KASAN: *", "reason": "x", "link": "l"}]})"), "k.json");
    ADD_FAILURE() << "a reason without a row was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("k.json.issues[0].reason"), std::string::npos) << e.what();
  }
}
