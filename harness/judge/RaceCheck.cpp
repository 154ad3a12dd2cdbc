#include "RaceCheck.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "Glob.h"
#include "Hex.h"
#include "PoisonPath.h"

namespace cxlrig {

namespace {
std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", s);
  return b;
}

std::string work_text(const proto::RaceRun::Reply& reply) {
  std::string out;
  for (auto& s : reply.stressors) {
    out += (out.empty() ? "" : ", ") + s.action + " " + std::to_string(s.iterations);
    std::string errs;
    for (auto& [name, n] : s.errors) errs += (errs.empty() ? "" : " ") + name + " " + std::to_string(n);
    if (!errs.empty()) out += " (" + errs + ")";
  }
  return out;
}
}  // namespace

bool title_expected(const RaceSpec& spec, const std::string& title) {
  return std::any_of(spec.expect.begin(), spec.expect.end(),
                     [&](const std::string& g) { return glob_match(g, title); });
}

std::vector<std::string> broken_stressors(const RaceSpec& spec, const proto::RaceRun::Reply& reply) {
  std::vector<std::string> out;
  for (auto& s : reply.stressors) {
    if (s.stopped == "setup_failed") {
      out.push_back(s.action + " (cpu " + std::to_string(s.cpu) + "): could not start: " + s.first_error);
      continue;
    }
    uint64_t unlisted = 0, listed = 0;
    for (auto& [name, n] : s.errors)
      (std::count(spec.expected_errnos.begin(), spec.expected_errnos.end(), name) ? listed : unlisted) += n;
    if (listed == 0 && unlisted > 0 && unlisted == s.iterations)
      out.push_back(s.action + " (cpu " + std::to_string(s.cpu) + "): all " + std::to_string(s.iterations) +
                    " iterations failed: " + s.first_error);
  }
  return out;
}

std::vector<std::string> unexplained_holder_events(const std::vector<PhysRange>& base, const std::vector<uint64_t>& pfns,
                                                   const std::vector<proto::HolderEvent>& events) {
  const RangeTable table(base);
  std::set<uint64_t> offsets;
  for (uint64_t pfn : pfns)
    if (auto hit = table.locate(pfn * kPageSize)) offsets.insert(hit->dev_offset);
  // kill_dax() tells a holder the whole device is going (offset 0, len U64_MAX,
  // MF_MEM_PRE_REMOVE) when a bind_unbind or a grow's reset unbinds it: no page's notice.
  std::vector<std::string> out;
  for (auto& e : events)
    if (!(e.flags & kMfMemPreRemove) && !offsets.count(e.offset)) out.push_back(hex(e.offset) + "/" + hex(e.len) + "/" + hex(uint64_t(e.flags)));
  return out;
}

CheckRow judge_race_run(const RaceSpec& spec, const RaceRunObservation& obs) {
  CheckRow r;
  r.key = "race/run" + std::to_string(obs.run);
  r.id = obs.device + "/race/run" + std::to_string(obs.run);
  r.device = obs.device;
  r.driver = spec.driver;
  r.point = "race";
  r.path = "race";
  r.expected = "no splat";
  nlohmann::json splats = nlohmann::json::array();
  std::optional<size_t> hit;
  for (size_t i = 0; i < obs.splats.size(); ++i) {
    const bool want = title_expected(spec, obs.splats[i].title);
    if (want && !hit) hit = i;
    splats.push_back({{"title", obs.splats[i].title}, {"expected", want}, {"kind", obs.splats[i].kind},
                      {"seconds", i < obs.splat_seconds.size() ? obs.splat_seconds[i] : 0.0},
                      {"report", obs.splats[i].report}});
  }
  r.details = {{"run", obs.run}, {"hit", hit.has_value()}, {"splats", splats}, {"window", obs.window},
               {"ended", obs.ended}};
  if (obs.reply) {
    r.details["stressors"] = obs.reply->stressors;
    r.details["elapsed_ms"] = obs.reply->elapsed_ms;
    r.details["size_after"] = obs.reply->size_after;
    r.details["driver_after"] = obs.reply->driver_after;
  }
  std::string observed = obs.reply ? work_text(*obs.reply) : "the agent did not answer: " + obs.ended;
  // What the holder was told (cxlrig_holder's ->notify_failure), checked against the pages
  // the poison stressor hit: a second observer of fsdev's offset walk, splat or not.
  std::vector<std::string> unexplained;
  if (obs.reply && obs.reply->holder_read) {
    unexplained = unexplained_holder_events(obs.base, obs.poisoned_pfns, obs.reply->holder_events);
    r.details["holder"] = {{"events", obs.reply->holder_events.size()},
                           {"dropped", obs.reply->holder_dropped},
                           {"unexplained", unexplained}};
  } else if (!obs.holder_absent.empty()) {
    r.details["holder"] = {{"absent", obs.holder_absent}};
  }
  if (hit) {
    const double t = *hit < obs.splat_seconds.size() ? obs.splat_seconds[*hit] : 0.0;
    r.details["first_hit_s"] = t;
    r.verdict = Verdict::kFail;
    r.reason = "reproduced: " + obs.splats[*hit].title + " after " + seconds(t) +
               (obs.window.empty() ? "" : " (window widened by " + obs.window.front() + ")");
  } else if (!obs.splats.empty()) {
    r.verdict = Verdict::kFail;
    r.reason = "splat, not an expected title: " + obs.splats.front().title;
  } else if (!unexplained.empty()) {
    r.verdict = Verdict::kFail;
    r.reason = "the holder was told " + std::to_string(unexplained.size()) +
               " offset(s) no poisoned page lies at (offset/len/flags): " + unexplained.front();
  } else {
    r.reason = "not reproduced: " + observed;
  }
  r.cells.push_back({"kmsg", "no splat", obs.splats.empty() ? "none" : obs.splats.front().title,
                     obs.splats.empty() ? Verdict::kPass : Verdict::kFail});
  r.cells.push_back({"agent", "stressors ran", observed, Verdict::kPass});
  if (obs.reply && obs.reply->holder_read)
    r.cells.push_back({"holder", "offsets of poisoned pages",
                       std::to_string(obs.reply->holder_events.size()) + " notify, " +
                           std::to_string(unexplained.size()) + " unexplained",
                       unexplained.empty() ? Verdict::kPass : Verdict::kFail});
  return r;
}

RaceSummary summarize_race(const RaceSpec& spec, const std::vector<CheckRow>& rows, const std::vector<SplatReport>& splats) {
  RaceSummary s;
  std::vector<double> firsts;
  std::map<std::string, RaceTitle> titles;
  for (auto& r : rows) {
    if (r.point != "race" || r.verdict == Verdict::kSkip) continue;
    ++s.runs;
    if (r.details.value("hit", false)) {
      ++s.hits;
      if (r.details.contains("first_hit_s")) firsts.push_back(r.details["first_hit_s"].get<double>());
    }
    if (s.window.empty() && r.details.contains("window")) s.window = r.details["window"].get<std::vector<std::string>>();
    if (r.details.contains("holder") && r.details["holder"].contains("unexplained")) {
      ++s.holder_runs;
      const auto& un = r.details["holder"]["unexplained"];
      if (!un.empty()) {
        ++s.holder_misinformed;
        if (s.first_misinformed.empty()) s.first_misinformed = un.front();
      }
    }
    std::vector<std::string> seen;
    for (auto& sp : r.details.value("splats", nlohmann::json::array())) {
      const std::string t = sp["title"];
      auto& e = titles[t];
      e.title = t;
      e.expected = sp["expected"];
      ++e.reports;
      if (e.first_report.empty()) e.first_report = sp["report"];
      if (std::find(seen.begin(), seen.end(), t) == seen.end()) seen.push_back(t), ++e.runs;
    }
  }
  // Splats outside the race (at boot, during the layout) are titled too: a finding.
  for (auto& sp : splats) {
    auto& e = titles[sp.title];
    if (e.title.empty()) {
      e.title = sp.title;
      e.expected = title_expected(spec, sp.title);
      e.reports = 1;
      e.runs = 1;
      e.first_report = sp.report;
    }
  }
  if (!firsts.empty()) {
    std::sort(firsts.begin(), firsts.end());
    const size_t n = firsts.size();
    s.median_first_hit_s = n % 2 ? firsts[n / 2] : (firsts[n / 2 - 1] + firsts[n / 2]) / 2;
  }
  for (auto& [_, t] : titles) s.titles.push_back(t);
  std::stable_sort(s.titles.begin(), s.titles.end(), [](const RaceTitle& a, const RaceTitle& b) {
    if (a.expected != b.expected) return a.expected;
    return a.runs > b.runs;
  });
  return s;
}

nlohmann::json to_json(const RaceSummary& s) {
  nlohmann::json titles = nlohmann::json::array();
  for (auto& t : s.titles)
    titles.push_back({{"title", t.title}, {"expected", t.expected}, {"runs", t.runs}, {"reports", t.reports},
                      {"first_report", t.first_report}});
  return {{"runs", s.runs},
          {"hits", s.hits},
          {"hit_rate", s.hit_rate()},
          {"median_first_hit_s", s.median_first_hit_s ? nlohmann::json(*s.median_first_hit_s) : nlohmann::json(nullptr)},
          {"window", s.window},
          {"holder", {{"runs", s.holder_runs}, {"misinformed", s.holder_misinformed}, {"first", s.first_misinformed}}},
          {"titles", titles}};
}

}  // namespace cxlrig
