#include "KnownIssues.h"

#include <filesystem>
#include <set>

#include "Glob.h"
#include "JsonFile.h"
#include "SpecFields.h"

namespace cxlrig {

using nlohmann::json;

namespace {

// A row entry explains a failing row by its key and its reason (any cell: callers check it).
bool explains_row(const KnownIssue& k, const std::string& row, const std::string& reason) {
  return !k.row.empty() && glob_match(k.row, row) && glob_match(k.reason, reason);
}

}  // namespace

const KnownIssue* KnownIssues::for_row(const std::string& cell, const std::string& row, const std::string& reason) const {
  for (auto& k : issues_)
    if (glob_match(k.cell, cell) && explains_row(k, row, reason)) return &k;
  return nullptr;
}

const KnownIssue* KnownIssues::for_splat(const std::string& cell, const std::string& title) const {
  for (auto& k : issues_)
    if (!k.title.empty() && glob_match(k.cell, cell) && glob_match(k.title, title)) return &k;
  return nullptr;
}

bool KnownIssues::seen_in(const KnownIssue& k, const CellRecord& c) const {
  if (c.status == "infra" || !glob_match(k.cell, c.key)) return false;
  for (auto& r : c.rows)
    if (r.verdict == "FAIL" && explains_row(k, r.key, r.reason)) return true;
  for (auto& s : c.splats)
    if (!k.title.empty() && glob_match(k.title, s.title)) return true;
  return false;
}

KnownIssues parse_known_issues(const json& j, const std::string& origin) {
  only_keys(j, origin, {"schema", "issues"});
  if (str(j, "schema", origin) != "cxlrig.known-issues/1")
    throw InputError(origin + ".schema", "must be \"cxlrig.known-issues/1\", got " + j["schema"].dump());
  std::set<std::string> ids;
  auto issues = list<KnownIssue>(j, "issues", origin, [&](const json& e, const std::string& w) {
    only_keys(e, w, {"id", "cell", "row", "reason", "title", "link", "note"});
    KnownIssue k;
    k.id = str(e, "id", w);
    if (!ids.insert(k.id).second) throw InputError(w + ".id", "'" + k.id + "' is used twice", "give each issue its own id");
    k.cell = str_or(e, "cell", w, "*");
    k.row = str_or(e, "row", w, "");
    k.title = str_or(e, "title", w, "");
    if (k.row.empty() == k.title.empty())
      throw InputError(w, "needs exactly one of row (a row key glob) or title (a splat title glob)",
                       "e.g. \"row\": \"reconfig/*/mapping-while-bound\"");
    // A race's rows fail for whatever hit; the reason names it, so an entry can stand for
    // one bug without naming the kernel that shows it.
    if (e.contains("reason") && k.row.empty())
      throw InputError(w + ".reason", "a reason glob applies to a row", "add \"row\" or drop \"reason\"");
    k.reason = str_or(e, "reason", w, "*");
    k.link = str(e, "link", w);
    k.note = str_or(e, "note", w, "");
    return k;
  }, true);
  return KnownIssues(std::move(issues));
}

KnownIssues load_known_issues_file(const std::string& path) {
  return parse_known_issues(read_json_file(path, "known-issues file", "pass a cxlrig.known-issues/1 JSON file"),
                            std::filesystem::path(path).filename().string());
}

}  // namespace cxlrig
