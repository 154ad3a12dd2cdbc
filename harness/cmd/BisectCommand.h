// `cxlrig bisect`: git bisect run over the user's tree with a step that builds the kernel,
// boots it and runs the scenario (`cxlrig bisect-step`), then names the culprit. The tree is
// left as it was found: a dirty tree or one already bisecting is refused, and the original
// HEAD is restored on every exit path.
#pragma once
#include <string>

#include "RunCommand.h"

namespace cxlrig {

struct BisectOptions {
  std::string tree;
  std::string good;   // forward: passes. --reverse: the newer commit (or kernel) where it passes again
  std::string bad;    // forward: fails.  --reverse: the older commit where it fails
  bool reverse = false;
  bool packaged = false;  // over the Debian kernels on the mirror instead of a git tree
  std::string out;    // bisect dir (default runs/bisect-<timestamp>)
  RunOptions run;     // scenario, topology, seed, variant, jobs, ... for every step
};

int bisect_command(const BisectOptions& o);

// One step at the commit git checked out: `cxlrig run --kernel-tree` into steps/<commit>,
// its exit code mapped for git bisect run (BisectOutcome), a line appended to steps.jsonl.
int bisect_step_command(RunOptions run, const std::string& steps_dir, bool reverse);

}  // namespace cxlrig
