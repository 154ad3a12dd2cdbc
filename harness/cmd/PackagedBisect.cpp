#include "PackagedBisect.h"

#include <filesystem>
#include <iostream>

#include "Artifacts.h"
#include "BisectOutcome.h"
#include "BisectReport.h"
#include "InputError.h"
#include "Interrupt.h"
#include "KernelStore.h"
#include "ListBisect.h"
#include "ReproduceLine.h"

namespace fs = std::filesystem;

namespace cxlrig {
namespace {

size_t position_of(const std::vector<KernelPackageSet>& all, const std::string& abi) {
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].abi == abi) return i;
  throw InfraError("kernel " + abi + " vanished from the index");
}

StepTerm term_of(int step_exit) {
  if (step_exit == 0) return StepTerm::kOld;
  if (step_exit == kBisectSkip) return StepTerm::kSkip;
  return StepTerm::kNew;
}

}  // namespace

int packaged_bisect_command(const BisectOptions& o) {
  install_interrupt_handlers();
  if (!o.tree.empty()) throw InputError("--tree", "cannot be combined with --packaged", "drop one of them");
  const RunOptions& r = o.run;
  if (!r.kernel_tree.empty() || !r.kernel_image.empty() || !r.kernel_series.empty())
    throw InputError(!r.kernel_tree.empty() ? "--kernel-tree" : !r.kernel_image.empty() ? "--kernel-image" : "--kernel",
                     "cannot be combined with --packaged: every step picks its own kernel",
                     "pass the range with --good and --bad");
  const std::string cache = r.cache_dir.empty() ? default_cache_dir() : r.cache_dir;
  KernelStore store(cache, load_kernel_lock(data_dir() + "/images/kernels.lock.json"), std::cerr);
  const auto all = store.available();
  const std::string good = store.find_abi(o.good, "--good").abi;
  const std::string bad = store.find_abi(o.bad, "--bad").abi;
  if (good == bad) throw InputError("--good", "--good and --bad name the same kernel " + good, "pass two kernels");
  // Forward: good is the older end. Reverse (a fix): bad (broken) is the older end.
  const std::string& older = o.reverse ? bad : good;
  const std::string& newer = o.reverse ? good : bad;
  const size_t lo = position_of(all, older), hi = position_of(all, newer);
  if (lo > hi)
    throw InputError(o.reverse ? "--bad" : "--good",
                     older + " is newer than " + newer,
                     o.reverse ? "with --reverse, --bad is the older kernel that fails and --good the newer that passes"
                               : "--good is the older kernel; to find a fix, pass --reverse");
  const std::vector<KernelPackageSet> range(all.begin() + lo, all.begin() + hi + 1);

  Artifacts art = make_artifacts_dir(o.out.empty() ? "runs/bisect-" + utc_timestamp(true) : o.out);
  const std::string steps = art.dir + "/steps";
  fs::create_directories(steps);
  std::cerr << "bisect: first " << bisect_new_term(o.reverse) << " packaged kernel of " << range.size() << " from "
            << older << " to " << newer << "\n";

  std::optional<int> stopped;  // a step's run exit that ends the bisect (bad input, interrupt)
  auto judge = [&](size_t i) {
    RunOptions run = r;
    run.kernel_series = range[i].abi;
    // The step is a `run` of this kernel with every other flag as typed.
    run.argv = run_argv_from(r.argv, {{"--good", "--bad", "--out"}, {"--packaged", "--reverse", "--fixed"},
                                      {"--kernel", range[i].abi}},
                             fs::current_path().string());
    run.out = steps + "/" + range[i].abi;
    std::error_code ec;
    fs::remove_all(run.out, ec);
    const int rc = run_command(run);
    const int mapped = bisect_step_exit(rc, o.reverse);
    append_bisect_step(steps, {{"kernel", range[i].abi}, {"subject", "Debian " + range[i].packages.front().version},
                               {"run_exit", rc}, {"step_exit", mapped}, {"out", run.out}});
    if (mapped == kBisectAbort || interrupted()) stopped = interrupted() ? kExitInterrupted : rc;
    return term_of(mapped);
  };

  nlohmann::json summary{{"packaged", true}, {"good", good}, {"bad", bad}, {"reverse", o.reverse}};
  for (auto& k : range) summary["kernels"].push_back(k.abi);
  std::string failure, failed_flag;
  int code = kExitPass;
  ListBisect b(range.size());
  // The ends first: a packaged bisect assumes nothing it can check.
  const StepTerm old_end = judge(0);
  const StepTerm new_end = stopped ? StepTerm::kSkip : judge(range.size() - 1);
  const bool ends_hold = old_end == StepTerm::kOld && new_end == StepTerm::kNew;
  if (ends_hold)
    while (auto i = stopped ? std::nullopt : b.next()) b.record(*i, judge(*i));
  if (stopped) {
    failure = "a step stopped the bisect (run exit " + std::to_string(*stopped) + ")";
    code = *stopped == kExitInterrupted ? kExitInterrupted : kExitUsage;
  } else if (!ends_hold) {
    const bool old_wrong = old_end != StepTerm::kOld;
    const std::string& which = old_wrong ? older : newer;
    failed_flag = old_wrong == !o.reverse ? "--good" : "--bad";
    const StepTerm got = old_wrong ? old_end : new_end;
    const char* want = old_wrong ? bisect_old_term(o.reverse) : bisect_new_term(o.reverse);
    // A step that could not run is the rig's problem; an end that disagrees is the premise's.
    if (got == StepTerm::kSkip) {
      failure = failed_flag + " " + which + " could not be judged (its run exited 125): nothing to bisect";
      failed_flag.clear();
      code = kExitInfra;
    } else {
      failure = failed_flag + " " + which + " is " + (got == StepTerm::kOld ? bisect_old_term(o.reverse)
                                                                           : bisect_new_term(o.reverse)) +
                ", not " + want + ": nothing to bisect";
      code = kExitUsage;
    }
  } else if (!b.first_new()) {
    std::string c;
    for (auto i : b.candidates()) c += (c.empty() ? "" : ", ") + range[i].abi;
    failure = "only skipped kernels are left: the first " + std::string(bisect_new_term(o.reverse)) + " one is one of " + c;
    summary["candidates"] = c;
    code = kExitInfra;
  }

  summary["steps"] = read_bisect_steps(steps);
  print_bisect_steps(summary["steps"], "kernel", o.reverse);
  if (code == kExitPass) {
    const auto& k = range[*b.first_new()];
    summary["last_" + std::string(bisect_old_term(o.reverse))] = range[b.last_old()].abi;
    report_culprit(summary, "kernel", k.abi,
                   "Debian " + k.packages.front().version + " (after " + range[b.last_old()].abi + ")", o.reverse);
  } else {
    summary["error"] = failure;
    std::cerr << "bisect: " << failure;
    if (!failed_flag.empty())
      std::cerr << "\n  fix: pick a " << failed_flag << " kernel where the scenario "
                << (failed_flag == "--good" ? "passes" : "fails") << " (its run is in " << steps << ")";
    std::cerr << "\n";
  }
  art.write_json("bisect.json", summary);
  std::cout << "artifacts: " << art.dir << "\n";
  return code;
}

}  // namespace cxlrig
