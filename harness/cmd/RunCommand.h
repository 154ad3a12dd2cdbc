// `cxlrig run`: topology -> QEMU command -> boot -> guest steps -> observations -> oracle
// -> report. Always leaves results.json, junit.xml and the logs, and no QEMU behind.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

struct RunOptions {
  std::string kernel_series;  // empty: the lock's default
  std::string kernel_image;   // a user-built kernel instead of a packaged one
  std::string modules_dir;
  std::string kernel_tree;    // build this tree first (cxlrig kernel build), then run it
  std::string variant = "base";
  std::vector<std::string> kernel_configs;  // --config: more fragments for --kernel-tree
  std::vector<std::string> kernel_patches;  // --patch: applied to a copy of --kernel-tree
  unsigned jobs = 0;
  bool rebuild = false;       // --rebuild: make --kernel-tree again even if kept
  bool build_via_copy = false;  // a race: build in the patched copy, with its window or not
  bool locked_only = false;
  std::string scenario = "multirange-poison";
  std::string topology;       // empty: the scenario's
  uint64_t seed = 1;
  std::optional<unsigned> layouts;
  std::string inject;         // empty or "all": every path that applies
  std::string out;
  std::string accel = "auto";
  std::string boot = "auto";   // auto, pvh or bzimage (kernel/BootEntry.h)
  std::string qemu = "qemu-system-x86_64";
  std::string backend = "qemu";  // qemu (our child) or libvirt (a transient domain)
  std::string connect_uri;       // libvirt only; empty: qemu:///system
  std::string cache_dir;      // empty: default_cache_dir()
  std::optional<unsigned> timeout_s;
  std::vector<std::string> kernel_args;  // appended to the kernel command line
  bool probe_only = false;
  // race: --runs, --duration, --no-window (the scenario's window patches left out of the build)
  std::optional<unsigned> race_runs;
  std::optional<unsigned> race_duration_s;
  bool no_window = false;
  bool race_command = false;  // `cxlrig race`: the scenario must be a race
  // The command line as typed (argv[0], the subcommand, its flags): failing layouts print
  // it back, as a `run`, in their reproduce lines.
  std::vector<std::string> argv;    // `cxlrig kernel info`: boot and report capabilities, no poison
};

int run_command(const RunOptions& opts);

std::string data_dir();  // $CXLRIG_DATA or the source tree the binary was built from

}  // namespace cxlrig
