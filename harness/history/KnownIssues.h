// Known issues (ci/known-issues.json): a row key or a splat title pattern, mapped to the
// upstream thread or commit that explains it. A failure that matches one does not make the
// night red; a known issue that stops failing is reported as fixed.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "NightRecord.h"

namespace cxlrig {

struct KnownIssue {
  std::string id;
  std::string cell = "*";  // glob on the cell key
  std::string row;         // glob on the row key, or empty
  std::string title;       // glob on the splat title, or empty
  std::string link;        // the upstream thread or commit
  std::string note;
  std::string reason = "*";  // with row: glob on the failing row's reason ("reproduced: KASAN: * in x*")
};

class KnownIssues {
 public:
  KnownIssues() = default;
  explicit KnownIssues(std::vector<KnownIssue> issues) : issues_(std::move(issues)) {}
  // The first issue that explains a failing row (by its key and its reason) or a splat
  // title of a cell, or nullptr.
  const KnownIssue* for_row(const std::string& cell, const std::string& row, const std::string& reason) const;
  const KnownIssue* for_splat(const std::string& cell, const std::string& title) const;
  // Does the issue match anything failing in this cell?
  bool seen_in(const KnownIssue& k, const CellRecord& c) const;
  const std::vector<KnownIssue>& all() const { return issues_; }

 private:
  std::vector<KnownIssue> issues_;
};

// Every error names the field ("known-issues.json.issues[2].row").
KnownIssues parse_known_issues(const nlohmann::json& j, const std::string& origin);
KnownIssues load_known_issues_file(const std::string& path);

}  // namespace cxlrig
