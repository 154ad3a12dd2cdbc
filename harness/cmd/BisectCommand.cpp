#include "BisectCommand.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "Artifacts.h"
#include "BisectOutcome.h"
#include "BisectReport.h"
#include "GitTree.h"
#include "InputError.h"
#include "Interrupt.h"
#include "PackagedBisect.h"
#include "ReproduceLine.h"
#include "Subprocess.h"
#include "TextFile.h"

namespace fs = std::filesystem;

namespace cxlrig {
namespace {

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw InfraError("cannot find the cxlrig binary (/proc/self/exe)");
  return p.string();
}

}  // namespace

int bisect_step_command(RunOptions run, const std::string& steps_dir, bool reverse) {
  GitTree tree(run.kernel_tree);
  const std::string commit = tree.head_commit();
  run.out = steps_dir + "/" + commit;
  std::error_code ec;
  fs::remove_all(run.out, ec);  // a commit tested again (git bisect replay) starts afresh
  const int rc = run_command(run);
  const int mapped = bisect_step_exit(rc, reverse);
  append_bisect_step(steps_dir, {{"commit", commit}, {"subject", tree.subject(commit)}, {"run_exit", rc},
                                {"step_exit", mapped}, {"out", run.out}});
  return mapped;
}

int bisect_command(const BisectOptions& o) {
  if (o.packaged) return packaged_bisect_command(o);
  if (o.tree.empty()) throw InputError("--tree", "is required", "pass a kernel git tree, or --packaged to bisect Debian's kernels");
  install_interrupt_handlers();
  GitTree tree(o.tree);
  if (tree.bisecting())
    throw InputError("--tree", "a git bisect is already in progress in " + o.tree, "finish it or run `git bisect reset` there");
  if (tree.dirty())
    throw InputError("--tree", o.tree + " has uncommitted changes to tracked files",
                     "commit or stash them: bisect checks out other commits");
  const auto good = tree.resolve(o.good);
  if (!good) throw InputError("--good", "'" + o.good + "' names no commit in " + o.tree, "pass a commit, tag or branch");
  const auto bad = tree.resolve(o.bad);
  if (!bad) throw InputError("--bad", "'" + o.bad + "' names no commit in " + o.tree, "pass a commit, tag or branch");
  if (*good == *bad) throw InputError("--good", "--good and --bad name the same commit", "pass two different commits");

  Artifacts art = make_artifacts_dir(o.out.empty() ? "runs/bisect-" + utc_timestamp(true) : o.out);
  const std::string steps = art.dir + "/steps";
  fs::create_directories(steps);
  const std::string log = art.file("bisect.log");
  const std::string original = tree.head_ref();
  const std::string original_commit = tree.head_commit();
  std::cerr << "bisect: " << (o.reverse ? "first fixed commit" : "first bad commit") << " between " << o.good << " and "
            << o.bad << " in " << o.tree << " (log: " << log << ")\n";

  RunOptions run = o.run;
  run.kernel_tree = fs::absolute(o.tree).string();
  std::optional<std::string> culprit;
  std::string failure;
  try {
    // Forward: new = bad, old = good. Reverse: old = broken (--bad), new = fixed (--good).
    const std::vector<std::string> start =
        o.reverse ? std::vector<std::string>{"bisect", "start", "--term-old=broken", "--term-new=fixed", *good, *bad}
                  : std::vector<std::string>{"bisect", "start", *bad, *good};
    if (run_logged(tree.command(start), log, std::chrono::minutes(5)) != 0)
      throw InfraError("git bisect start failed (see " + log + ")");
    std::vector<std::string> bisect_run = {"bisect", "run", self_exe(), "bisect-step", "--steps", steps};
    if (o.reverse) bisect_run.push_back("--reverse");
    // Every step repeats the run flags exactly as typed (the recorded argv), on this tree.
    const auto step_argv = run_argv_from(o.run.argv, {{"--good", "--bad", "--out", "--tree"}, {"--reverse", "--fixed"},
                                                      {"--kernel-tree", run.kernel_tree}},
                                         fs::current_path().string());
    if (step_argv.size() < 2) throw std::logic_error("bisect: the command line was not recorded");
    bisect_run.insert(bisect_run.end(), step_argv.begin() + 2, step_argv.end());
    const int rc = run_logged(tree.command(bisect_run), log, std::chrono::hours(24));
    const std::string text = read_text_file(log);
    culprit = first_commit_in_bisect_output(text, o.reverse);
    if (interrupted()) failure = "interrupted";
    else if (!culprit)
      failure = "git bisect run ended (exit " + std::to_string(rc) + ") without naming one commit: " +
                (text.find("only 'skip'ped commits") != std::string::npos ? "only skipped commits are left"
                                                                         : "a step aborted it") + " (see " + log + ")";
  } catch (const std::exception& e) {
    failure = e.what();
  }
  // Leave the tree exactly as found.
  auto reset = tree.git({"bisect", "reset", original.rfind("refs/heads/", 0) == 0 ? original.substr(11) : original});
  const bool restored = tree.head_ref() == original && tree.head_commit() == original_commit && !tree.bisecting();
  if (reset.exit_code != 0 || !restored)
    std::cerr << "bisect: WARNING: could not restore " << o.tree << " to " << original << ": " << reset.tail(4) << "\n";

  nlohmann::json summary{{"tree", o.tree}, {"good", *good}, {"bad", *bad}, {"reverse", o.reverse},
                         {"steps", read_bisect_steps(steps)}, {"restored", restored}};
  print_bisect_steps(summary["steps"], "commit", o.reverse);
  int code = kExitPass;
  if (culprit) {
    report_culprit(summary, "commit", *culprit, tree.subject(*culprit), o.reverse);
  } else {
    summary["error"] = failure;
    std::cerr << "bisect: " << failure << "\n";
    code = failure == "interrupted" ? kExitInterrupted : kExitInfra;
  }
  art.write_json("bisect.json", summary);
  std::cout << "artifacts: " << art.dir << "\n";
  return code;
}

}  // namespace cxlrig
