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
  ASSERT_NE(k.for_row("x:vmem-1:s:1", "reconfig/fsdev_dax/mapping-while-bound"), nullptr);
  EXPECT_EQ(k.for_row("x:vmem-1:s:1", "d0/s1/readback"), nullptr);
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
