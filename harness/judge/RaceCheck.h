// Judges race runs. A run hits when its console shows a splat whose title matches one of
// the scenario's `expect` globs (fnmatch), after the stressors started; any other splat is
// a finding of its own, titled, but not a hit. A run with no splat passes ("not
// reproduced") only if its stressors did their work: a stressor whose every iteration
// failed with an errno the scenario does not list is broken, and the run is
// infrastructure, not a result. Across runs: the hits, the hit rate, the median time to
// the first hit, and every distinct title with its count and its first full report (what
// syzkaller's pkg/repro reports as reliability).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "AgentProtocol.h"
#include "CheckRow.h"
#include "RangeTable.h"
#include "Scenario.h"
#include "SplatParser.h"

namespace cxlrig {

struct RaceRunObservation {
  size_t run = 0;
  std::string device;
  std::optional<proto::RaceRun::Reply> reply;  // none: the agent never answered
  std::string ended;                           // why not (the guest oopsed, the step timed out)
  std::vector<SplatReport> splats;             // printed after the stressors started
  std::vector<double> splat_seconds;           // each one's arrival, from the start
  std::vector<std::string> window;             // window patches in the kernel under test
  std::vector<PhysRange> base;                 // the device's ranges when the race started
  std::vector<uint64_t> poisoned_pfns;         // what a poison stressor cycled through
  std::string holder_absent;                   // why the holder did not hold (spec.holder, no module)
};

// The holder's events that no poisoned page explains: an offset that is not where one of
// `pfns` lies in `base` (ranges appended by a grow keep every earlier offset), as
// "offset/len/flags" texts. A stale range table in fsdev's walk would show here. The
// device-removal notice of an unbind (MF_MEM_PRE_REMOVE) is not a page's and is left out.
std::vector<std::string> unexplained_holder_events(const std::vector<PhysRange>& base, const std::vector<uint64_t>& pfns,
                                                   const std::vector<proto::HolderEvent>& events);

bool title_expected(const RaceSpec& spec, const std::string& title);

// The stressors that did no work: every iteration failed with an errno not in
// expected_errnos (or the stressor could not start). Empty when the run can be judged.
std::vector<std::string> broken_stressors(const RaceSpec& spec, const proto::RaceRun::Reply& reply);

CheckRow judge_race_run(const RaceSpec& spec, const RaceRunObservation& obs);

struct RaceTitle {
  std::string title;
  bool expected = false;
  size_t runs = 0;     // runs whose console had it
  size_t reports = 0;  // reports with it, over all runs
  std::string first_report;
};

struct RaceSummary {
  size_t runs = 0;       // rows judged (not SKIP)
  size_t hits = 0;
  std::optional<double> median_first_hit_s;
  std::vector<RaceTitle> titles;  // expected first, then by runs
  std::vector<std::string> window;
  size_t holder_runs = 0;        // runs whose holder's events were read
  size_t holder_misinformed = 0; // of those, runs whose holder was told an offset no poisoned page lies at
  std::string first_misinformed; // the first such offset/len/flags
  double hit_rate() const { return runs ? double(hits) / runs : 0; }
};

// From the race rows (point "race") of a run, and every splat the run's guests printed.
RaceSummary summarize_race(const RaceSpec& spec, const std::vector<CheckRow>& rows, const std::vector<SplatReport>& splats);
nlohmann::json to_json(const RaceSummary& s);

}  // namespace cxlrig
