#include "KcidbReport.h"

#include <map>
#include <regex>
#include <set>

#include "Matrix.h"
#include "Sha256.h"

namespace cxlrig {

using nlohmann::json;

namespace {

const std::string kOrigin = "cxlrig";

// An id part: what is left of a name after taking out what KCIDB tools choke on.
std::string id_part(const std::string& s) {
  std::string o;
  for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '-';
  return o;
}

std::string status_of(const std::string& verdict) {
  if (verdict == "PASS") return "PASS";
  if (verdict == "FAIL") return "FAIL";
  if (verdict == "SKIP") return "SKIP";
  return "ERROR";
}

std::string checkout_key(const KernelIdentity& k) {
  std::string key = k.source + "\n" + k.abi + "\n" + k.version + "\n" + k.commit;
  for (auto& p : k.patches) key += "\n" + p;
  return kOrigin + ":checkout-" + sha256_string(key).substr(0, 16);
}

}  // namespace

std::string kcidb_path_part(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '/' ? '.' : (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  // No empty parts: "a//b" or a leading/trailing slash would make one.
  std::string clean;
  for (size_t i = 0; i < o.size(); ++i) {
    if (o[i] == '.' && (clean.empty() || clean.back() == '.')) continue;
    clean += o[i];
  }
  while (!clean.empty() && clean.back() == '.') clean.pop_back();
  return clean.empty() ? "_" : clean;
}

// A splat title's issue: the id is a hash of the normalised title, so the same bug keeps
// its issue from night to night and from kernel to kernel.
std::string splat_issue_id(const std::string& title) { return kOrigin + ":splat-" + sha256_string(title).substr(0, 16); }

json kcidb_report(const NightView& v) {
  json checkouts = json::array(), builds = json::array(), tests = json::array(), issues = json::array(),
       incidents = json::array();
  std::set<std::string> seen_checkouts, seen_builds;
  std::map<std::string, size_t> issue_at;  // issue id -> its index in `issues`
  const std::string night = id_part(v.night.id);
  for (auto& c : v.night.cells) {
    const KernelIdentity& k = c.kernel_id;
    const std::string checkout_id = checkout_key(k);
    if (seen_checkouts.insert(checkout_id).second) {
      json co = {{"id", checkout_id}, {"origin", kOrigin},
                 {"tree_name", k.source == "packaged" ? "debian" : k.name},
                 {"comment", k.describe()},
                 {"misc", {{"source", k.source}, {"abi", k.abi}, {"version", k.version}, {"commit", k.commit},
                           {"patches", k.patches}}}};
      if (k.commit.size() == 40) co["git_commit_hash"] = k.commit;
      checkouts.push_back(co);
    }
    const std::string build_id = kOrigin + ":build-" + night + "-" + id_part(c.kernel);
    if (seen_builds.insert(build_id).second)
      builds.push_back({{"id", build_id}, {"checkout_id", checkout_id}, {"origin", kOrigin}, {"architecture", "x86_64"},
                        {"config_name", k.source == "packaged" ? "debian-" + k.abi : "cxlrig-" + k.config_hash},
                        {"comment", k.describe()}, {"status", "PASS"},
                        {"misc", {{"config_hash", k.config_hash}, {"kernel", k.name}}}});
    const std::string scenario = kcidb_path_part(c.scenario);
    const std::string cell_id = kOrigin + ":" + night + "-" + id_part(c.key);
    auto test = [&](const std::string& suffix, const std::string& path, const std::string& status, const std::string& comment) {
      json t = {{"id", cell_id + (suffix.empty() ? "" : "-" + id_part(suffix))}, {"build_id", build_id}, {"origin", kOrigin},
                {"path", path}, {"status", status}, {"duration", c.duration_s},
                {"misc", {{"cell", c.key}, {"topology", c.topology}, {"seed", c.seed}, {"artifacts", c.artifacts}}}};
      if (!comment.empty()) t["comment"] = comment;
      if (!c.started.empty()) t["start_time"] = c.started;
      tests.push_back(t);
    };
    if (c.status == "infra") test("", "cxlrig." + scenario, "ERROR", c.reason);
    for (auto& r : c.rows) test(r.key, "cxlrig." + scenario + "." + kcidb_path_part(r.key), status_of(r.verdict), r.reason);
    for (auto& s : c.splats) {
      test("splat-" + s.title, "cxlrig." + scenario + ".splat", "FAIL", s.title);
      // The splat as a KCIDB issue (one per title) and its incident here. The culprit is the
      // tested code: the splat is the kernel's report, and the rig's own modules
      // (guest-tests/modules) are part of what the cell tested.
      const std::string issue_id = splat_issue_id(s.title);
      auto [at, fresh] = issue_at.emplace(issue_id, issues.size());
      if (fresh)
        issues.push_back({{"id", issue_id}, {"version", 0}, {"origin", kOrigin}, {"report_subject", s.title},
                          {"culprit", {{"code", true}, {"tool", false}, {"harness", false}}},
                          {"comment", s.title}, {"misc", {{"first_cell", c.key}}}});
      // A known issue (ci/known-issues.json) gives the issue its upstream thread; known
      // entries can be scoped to cells, so the first cell it explains supplies it.
      const KnownIssue* ki = v.known.for_splat(c.key, s.title);
      json& issue = issues[at->second];
      if (ki && !issue["misc"].contains("known_issue")) {
        issue["misc"]["known_issue"] = ki->id;
        if (ki->link.rfind("https://", 0) == 0 || ki->link.rfind("http://", 0) == 0) issue["report_url"] = ki->link;
      }
      incidents.push_back({{"id", cell_id + "-" + issue_id.substr(kOrigin.size() + 1)}, {"origin", kOrigin},
                           {"issue_id", issue_id}, {"issue_version", 0}, {"build_id", build_id},
                           {"test_id", tests.back()["id"]}, {"present", true},
                           {"comment", std::to_string(s.count) + (s.count == 1 ? " report" : " reports") + " in " + c.key},
                           {"misc", {{"count", s.count}, {"cell", c.key}, {"known", ki != nullptr}}}});
    }
    // A race's hit rate as the number of a DONE test (KCIDB: "DONE ... produced a
    // measurement"); the runs' own rows above carry PASS/FAIL per run.
    if (c.command == "race" && c.race.runs > 0) {
      test("hit-rate", "cxlrig." + scenario + ".hit_rate", "DONE",
           std::to_string(c.race.hits) + " of " + std::to_string(c.race.runs) + " runs hit");
      json& t = tests.back();
      t["number"] = {{"value", double(c.race.hits) / c.race.runs}};
      t["misc"]["hits"] = c.race.hits;
      t["misc"]["runs"] = c.race.runs;
      if (c.race.median_first_hit_s >= 0) t["misc"]["median_first_hit_s"] = c.race.median_first_hit_s;
    }
  }
  for (auto& m : v.missing) {
    // A cell no shard ran: its kernel's build id is that of tonight's name for it.
    const CellKey key = CellKey::parse(m);
    const std::string& kernel = key.kernel;
    const std::string& scenario = key.scenario;
    const std::string build_id = kOrigin + ":build-" + night + "-" + id_part(kernel);
    if (seen_builds.insert(build_id).second) {
      // No cell of this kernel ran: its source is unknown tonight.
      const std::string checkout_id = kOrigin + ":checkout-unknown-" + id_part(kernel);
      if (seen_checkouts.insert(checkout_id).second)
        checkouts.push_back({{"id", checkout_id}, {"origin", kOrigin}, {"tree_name", kernel}, {"comment", "not run tonight"}});
      builds.push_back({{"id", build_id}, {"checkout_id", checkout_id}, {"origin", kOrigin}, {"architecture", "x86_64"},
                        {"comment", "not run tonight"}, {"status", "MISS"}});
    }
    tests.push_back({{"id", kOrigin + ":" + night + "-" + id_part(m)}, {"build_id", build_id},
                     {"origin", kOrigin}, {"path", "cxlrig." + kcidb_path_part(scenario)}, {"status", "MISS"},
                     {"comment", "no shard ran this cell"}});
  }
  json report = {{"version", {{"major", 5}, {"minor", 0}}}, {"checkouts", checkouts}, {"builds", builds}, {"tests", tests}};
  if (!issues.empty()) {
    report["issues"] = issues;
    report["incidents"] = incidents;
  }
  return report;
}

std::vector<std::string> kcidb_problems(const json& r) {
  std::vector<std::string> out;
  static const std::set<std::string> kStatus = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"};
  static const std::regex kPath("^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$");
  static const std::regex kId("^[a-z0-9_]+:.+$");
  if (!r.is_object() || !r.contains("version") || !r["version"].is_object() || r["version"].value("major", 0) != 5 ||
      !r["version"].contains("minor") || !r["version"]["minor"].is_number_integer() || r["version"]["minor"].get<int>() < 0)
    out.push_back("version: must be {\"major\": 5, \"minor\": N}");
  std::function<void(const json&, const std::string&)> no_nulls = [&](const json& j, const std::string& at) {
    if (j.is_null()) out.push_back(at + ": null (KCIDB allows no nulls)");
    if (j.is_object())
      for (auto& [k, x] : j.items()) no_nulls(x, at + "." + k);
    if (j.is_array())
      for (size_t i = 0; i < j.size(); ++i) no_nulls(j[i], at + "[" + std::to_string(i) + "]");
  };
  no_nulls(r, "report");
  std::set<std::string> ids[5];
  const char* kinds[] = {"checkouts", "builds", "tests", "issues", "incidents"};
  for (int t = 0; t < 5; ++t) {
    if (!r.contains(kinds[t])) continue;
    if (!r[kinds[t]].is_array()) {
      out.push_back(std::string(kinds[t]) + ": must be a list");
      continue;
    }
    for (size_t i = 0; i < r[kinds[t]].size(); ++i) {
      const json& o = r[kinds[t]][i];
      const std::string at = std::string(kinds[t]) + "[" + std::to_string(i) + "]";
      auto need_id = [&](const char* f) {
        if (!o.contains(f) || !o[f].is_string()) {
          out.push_back(at + "." + f + ": required");
          return std::string();
        }
        const std::string v = o[f];
        if (!std::regex_match(v, kId) || v.rfind(o.value("origin", "") + ":", 0) != 0)
          out.push_back(at + "." + f + ": '" + v + "' is not prefixed with its origin and ':'");
        return v;
      };
      if (!o.contains("origin") || !o["origin"].is_string() || o["origin"] != kOrigin)
        out.push_back(at + ".origin: required, must be " + kOrigin);
      const std::string id = need_id("id");
      if (!id.empty() && !ids[t].insert(id).second) out.push_back(at + ".id: '" + id + "' is not unique");
      if (t == 1 && need_id("checkout_id").size() && !ids[0].count(o["checkout_id"]))
        out.push_back(at + ".checkout_id: names no checkout of the report");
      if (t == 2) {
        if (need_id("build_id").size() && !ids[1].count(o["build_id"]))
          out.push_back(at + ".build_id: names no build of the report");
        if (o.contains("path") && (!o["path"].is_string() || !std::regex_match(o["path"].get<std::string>(), kPath)))
          out.push_back(at + ".path: " + o["path"].dump() + " is not dot-separated [A-Za-z0-9_-] parts");
      }
      if (t == 2 && o.contains("number") &&
          (!o["number"].is_object() || !o["number"].contains("value") || !o["number"]["value"].is_number()))
        out.push_back(at + ".number: must be {\"value\": N, ...}");
      auto need_version = [&](const char* f) {
        if (!o.contains(f) || !o[f].is_number_integer() || o[f].get<long long>() < 0)
          out.push_back(at + "." + f + ": required, an integer of 0 or more");
      };
      if (t == 3) need_version("version");
      if (t == 4) {
        need_version("issue_version");
        if (need_id("issue_id").size() && !ids[3].count(o["issue_id"]))
          out.push_back(at + ".issue_id: names no issue of the report");
        if (o.contains("build_id") && need_id("build_id").size() && !ids[1].count(o["build_id"]))
          out.push_back(at + ".build_id: names no build of the report");
        if (o.contains("test_id") && need_id("test_id").size() && !ids[2].count(o["test_id"]))
          out.push_back(at + ".test_id: names no test of the report");
      }
      if (o.contains("status") && (!o["status"].is_string() || !kStatus.count(o["status"].get<std::string>())))
        out.push_back(at + ".status: " + o["status"].dump() + " is not one of FAIL, ERROR, MISS, PASS, DONE, SKIP");
    }
  }
  return out;
}

}  // namespace cxlrig
