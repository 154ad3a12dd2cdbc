// race: one run per guest. The device is laid out and bound, the stressors start together,
// each pinned to its own vCPU, and the console is read for what they provoked. The guest
// is not torn down after the race: it is thrown away, and on Debian's 7.3.4 an unbind of a
// device grown while bound oopses by itself (the reconfig scenario's finding), which would
// be taken for the race's.
#include <algorithm>

#include "ConsoleScanner.h"
#include "Hex.h"
#include "RaceCheck.h"
#include "RacePlan.h"
#include "ScenarioKind.h"
#include "Vm.h"

namespace cxlrig {
namespace {

// What the stressors need from the kernel beyond the driver: a poison path's own
// requirements (spec/PoisonPath's traits), the holder module.
std::vector<std::string> requirements(const RaceSpec& spec) {
  std::vector<std::string> need = {"driver:" + spec.driver};
  for (auto& s : spec.stressors) {
    if (s.action == "poison") {
      const auto& r = traits(*s.path).requires_;
      need.insert(need.end(), r.begin(), r.end());
    }
    if (s.action == "holder_churn") need.push_back("module:cxlrig_holder");
  }
  return need;
}

bool churns(const RaceSpec& spec) {
  return std::any_of(spec.stressors.begin(), spec.stressors.end(),
                     [](const RaceStressorSpec& s) { return s.action == "holder_churn"; });
}

class RaceKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const RaceSpec& spec = *ctx.scenario.race;
    const size_t run = ctx.options.guest;
    const std::string device = ctx.session.region.seed_device;
    RaceRunObservation obs;
    obs.run = run;
    obs.device = device;
    obs.window = ctx.options.race_window;
    if (auto why = ctx.session.caps.unmet(requirements(spec)); !why.empty()) {
      CheckRow r = judge_race_run(spec, obs);
      r.verdict = Verdict::kSkip;
      r.reason = why;
      r.cells.clear();
      ctx.out.rows.push_back(r);
      return;
    }
    if (spec.stressors.size() > static_cast<size_t>(std::max(1, ctx.session.vcpus)))
      throw InputError(ctx.scenario.name + ".race.stressors",
                       std::to_string(spec.stressors.size()) + " stressors need as many vCPUs; the guest has " +
                           std::to_string(ctx.session.vcpus),
                       "use a topology with more cpus (--topology), or fewer stressors");
    const auto& g = ctx.session.region.geometry;
    const RacePlan plan = plan_race(spec, g.base, g.size, ctx.scenario.name + ".race");

    proto::DaxLayout::Request lay{device, {}, spec.align};
    for (auto& r : plan.base) lay.ranges.push_back({r.start, r.end});
    ctx.phase("layout " + device, [&] { return ctx.call<proto::DaxLayout>(lay); });
    ctx.phase("bind " + device, [&] { return ctx.call<proto::DaxBind>({device, spec.driver}); });

    proto::RaceRun::Request req;
    req.device = device;
    req.driver = spec.driver;
    req.base = lay.ranges;
    req.align = spec.align;
    const unsigned duration_s = ctx.options.race_duration_s.value_or(spec.duration_s);
    req.duration_ms = duration_s * 1000ull;
    // spec.holder is an extra observer: without the module (packaged kernels) the race
    // still runs, and the row says the holder was absent.
    if (spec.holder && !churns(spec)) {
      obs.holder_absent = ctx.session.caps.unmet({"module:cxlrig_holder"});
      req.hold = obs.holder_absent.empty();
    }
    obs.base = plan.base;
    obs.poisoned_pfns = plan.pfns;
    for (size_t i = 0; i < spec.stressors.size(); ++i) {
      const auto& s = spec.stressors[i];
      proto::RaceRun::Stressor st;
      st.action = s.action;
      st.cpu = static_cast<int>(i);
      st.iterations = s.iterations;
      st.path = s.path;
      st.reset = s.reset;
      st.interval_ms = s.interval_ms;
      if (s.action == "poison") st.pfns = plan.pfns;
      if (s.action == "grow_mapping")
        for (auto& r : plan.grow) st.grow.push_back({r.start, r.end});
      if (s.action == "fault") st.fault_size = plan.size();
      req.stressors.push_back(st);
    }
    ctx.out.layouts.push_back({{"device", device}, {"driver", spec.driver}, {"run", run},
                               {"ranges", nlohmann::json(lay.ranges)}, {"grow_ranges", plan.grow.size()},
                               {"duration_s", duration_s}, {"window", obs.window}});

    const ConsoleScanner* console = ctx.options.console;
    const size_t mark = console ? console->lines() : 0;
    const auto start = std::chrono::steady_clock::now();
    try {
      // The race runs for its duration; the margin covers a slow guest's teardown of threads.
      obs.reply = ctx.phase("race " + std::to_string(duration_s) + " s", [&] {
        return cxlrig::call<proto::RaceRun>(ctx.guest, req, Millis((duration_s + 60) * 1000ull));
      });
    } catch (const GuestSplatted& e) {
      obs.ended = e.what();
    } catch (const AgentStepError& e) {
      obs.ended = e.what();
    } catch (const InfraError& e) {
      // A guest that stopped answering after it splatted is judged by the splat.
      if (!console || console->splats_since(mark).empty()) throw;
      obs.ended = e.what();
    }
    if (console) {
      settle(ctx.guest, *console);
      obs.splats = console->splats_since(mark);
      for (auto& s : obs.splats)
        obs.splat_seconds.push_back(std::chrono::duration<double>(console->arrived(s.line) - start).count());
    }
    CheckRow row = judge_race_run(spec, obs);
    ctx.out.rows.push_back(row);
    if (obs.reply && obs.splats.empty())
      if (auto broken = broken_stressors(spec, *obs.reply); !broken.empty()) {
        std::string what;
        for (auto& b : broken) what += (what.empty() ? "" : "; ") + b;
        throw InfraError("race run " + std::to_string(run) + ": a stressor did no work, so the run says nothing: " +
                         what + " (list the errno in race.expected_errnos if it is an outcome)");
      }
  }

 private:
  // A report is still streaming when the wait ends (an Oops ends it at once): give the
  // console a moment to go quiet so the report is whole.
  static void settle(Guest& guest, const ConsoleScanner& console) {
    size_t seen = console.lines();
    for (int quiet = 0, i = 0; quiet < 3 && i < 40; ++i) {
      guest.idle(Millis(250));
      if (console.lines() == seen) ++quiet;
      else quiet = 0, seen = console.lines();
    }
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_race_kind() { return std::make_unique<RaceKind>(); }

}  // namespace cxlrig
