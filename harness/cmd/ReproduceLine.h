// The command line a failing layout is replayed with, rebuilt from the argv the user typed
// (recorded by main), not from parsed options: every flag they gave survives (--modules,
// --kernel-arg, --accel, --timeout, a --topology FILE), the subcommand becomes `run`, the
// flags that pick layouts or name outputs are dropped, and relative file paths are made
// absolute so the line works from any directory.
#pragma once
#include <set>
#include <string>
#include <vector>

namespace cxlrig {

struct ArgvRewrite {
  std::set<std::string> drop_with_value;  // dropped with their value (--seed 3, --seed=3)
  std::set<std::string> drop_flag;        // dropped alone (--reverse)
  std::vector<std::string> append;        // added at the end (--kernel ABI)
};

// Flags whose value is a file or directory path.
const std::set<std::string>& path_flags();

// argv[0] is the program, argv[1] the subcommand (run, bisect, bisect-step, ...).
std::vector<std::string> run_argv_from(const std::vector<std::string>& argv, const ArgvRewrite& rw, const std::string& cwd);

// What every reproduce line drops: the layout choice, which the line then sets itself,
// and the artifacts dir.
ArgvRewrite reproduce_rewrite();

}  // namespace cxlrig
