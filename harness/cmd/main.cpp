// cxlrig: a CXL/DAX kernel test rig. Parses the command line and hands over.
#include <CLI/CLI.hpp>

#include <iostream>

#include "BisectCommand.h"
#include "InputError.h"
#include "Interrupt.h"
#include "KernelCommand.h"
#include "NightlyCommand.h"
#include "OtherCommands.h"
#include "RunCommand.h"

int main(int argc, char** argv) {
  using namespace cxlrig;
  CLI::App app{"cxlrig: boot CXL guests, build multi-range dax devices, inject poison, check offsets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CXLRIG_VERSION);

  // Which kernel, and how the guest runs: `run`, `bisect`, the bisect step and `kernel info`.
  auto add_kernel_vm_options = [](CLI::App* c, RunOptions& ro) {
    c->add_option("--kernel", ro.kernel_series, "Packaged kernel: a series locked in images/kernels.lock.json (7.3, 6.12), or any kernel on the mirror by version or ABI (7.2.6, 7.2.6+deb13-amd64; see `cxlrig kernels available`)");
    c->add_option("--kernel-image", ro.kernel_image, "A kernel you built (bzImage, or vmlinux with CONFIG_PVH) instead of a packaged one");
    c->add_option("--modules", ro.modules_dir, "lib/modules/VERSION dir for --kernel-image (omit if all built in)");
    c->add_option("--kernel-tree", ro.kernel_tree, "Build this kernel tree (cxlrig kernel build) and run it");
    c->add_option("--variant", ro.variant, "Config variant for --kernel-tree: base, debug, kasan, kcsan")
        ->capture_default_str();
    c->add_option("--jobs", ro.jobs, "make -j for --kernel-tree (default: one per core)");
    c->add_option("--config", ro.kernel_configs, "More config fragments for --kernel-tree (repeatable)");
    c->add_option("--patch", ro.kernel_patches, "A patch to apply to a copy of --kernel-tree before building (repeatable)");
    c->add_flag("--rebuild", ro.rebuild, "Run make on --kernel-tree even when this commit and config were built before");
    c->add_flag("--locked", ro.locked_only, "Fail (exit 125) if the locked kernel version is gone from the mirror");
    c->add_option("--topology", ro.topology, "Topology name (qemu-configs/) or file; default: the scenario's");
    c->add_option("--accel", ro.accel, "auto, kvm or tcg")->capture_default_str()->check(CLI::IsMember({"auto", "kvm", "tcg"}));
    c->add_option("--boot", ro.boot, "How QEMU enters the kernel: pvh (a vmlinux, or the one inside a bzImage, decompressed once on the host), bzimage (its own decompressor; with --kernel-tree the bzImage is built), or auto (pvh where the kernel has CONFIG_PVH)")
        ->capture_default_str()->check(CLI::IsMember({"auto", "pvh", "bzimage"}));
    c->add_option("--qemu", ro.qemu, "QEMU binary")->capture_default_str();
    c->add_option("--backend", ro.backend, "qemu (QEMU as our child) or libvirt (a transient libvirt domain)")
        ->capture_default_str();
    c->add_option("--connect", ro.connect_uri, "libvirt URI for --backend libvirt (default qemu:///system)");
    c->add_option("--cache", ro.cache_dir, "Cache dir (default $CXLRIG_CACHE or ~/.cache/cxlrig)");
    c->add_option("--kernel-arg", ro.kernel_args, "Extra kernel command line argument (repeatable)");
    c->add_option("--timeout", ro.timeout_s, "Overall guest time budget in seconds (default: the scenario's)")
        ->check(CLI::PositiveNumber);
  };
  // The scenario flags on top.
  auto add_run_options = [&](CLI::App* c, RunOptions& ro) {
    add_kernel_vm_options(c, ro);
    c->add_option("--scenario", ro.scenario, "Scenario name (guest-tests/scenarios/) or file")->capture_default_str();
    c->add_option("--seed", ro.seed, "Layout generator seed; layout i uses seed+i")->capture_default_str();
    c->add_option("--layouts", ro.layouts, "Layouts to draw and check in one boot (default: the scenario's)");
    c->add_option("--inject", ro.inject,
                  "Poison paths, comma-separated, or all: madvise, corrupt_pfn, hard_offline, mce_ao, mce_ar, "
                  "cxl_qmp, cxl_debugfs (default: all that apply)");
    c->add_option("--runs", ro.race_runs, "race: boots, one run each (default: the scenario's)");
    c->add_option("--duration", ro.race_duration_s, "race: seconds the stressors run per boot (default: the scenario's)");
    c->add_flag("--no-window", ro.no_window, "race: build --kernel-tree without the scenario's window patches");
  };
  RunOptions ro;
  auto* run = app.add_subcommand("run", "Run a scenario in a fresh guest and print the verdict table");
  add_run_options(run, ro);
  run->add_option("--out", ro.out, "Artifacts dir (default runs/<timestamp>)");

  RunOptions rc;
  auto* race = app.add_subcommand("race", "Run a race scenario N times (a fresh guest each) and print hits, hit rate and splat titles");
  add_run_options(race, rc);
  race->get_option("--scenario")->required();
  race->add_option("--out", rc.out, "Artifacts dir (default runs/<timestamp>)");

  BisectOptions bo;
  auto* bisect = app.add_subcommand("bisect", "Find the commit that breaks (or with --reverse fixes) a scenario");
  add_run_options(bisect, bo.run);
  bisect->add_option("--tree", bo.tree, "Kernel git tree (left as found)");
  bisect->add_flag("--packaged", bo.packaged,
                   "Bisect the Debian kernels on the mirror instead (no build; --good/--bad are versions or ABIs)");
  bisect->add_option("--good", bo.good, "A commit (or with --packaged a kernel) where the scenario passes")->required();
  bisect->add_option("--bad", bo.bad, "A commit (or kernel) where it fails")->required();
  bisect->add_flag("--reverse,--fixed", bo.reverse, "Find the first commit that fixes it (--bad older than --good)");
  bisect->add_option("--out", bo.out, "Bisect dir: log, steps/<commit>/ artifacts, bisect.json");

  RunOptions so;
  std::string steps_dir;
  bool step_reverse = false;
  auto* step = app.add_subcommand("bisect-step", "One bisect step (run by git bisect run)");
  step->group("");  // internal
  add_run_options(step, so);
  step->add_option("--steps", steps_dir, "Where the steps' artifacts go")->required();
  step->add_flag("--reverse", step_reverse, "Map outcomes for a reverse bisect");

  KernelBuildOptions kb;
  auto* kernel = app.add_subcommand("kernel", "Kernels built from source, and what a kernel offers");
  kernel->require_subcommand(1);
  auto* kbuild = kernel->add_subcommand("build", "Build a kernel tree with images/kconfig/ fragments");
  kbuild->add_option("--tree", kb.tree, "Kernel source tree")->required();
  kbuild->add_option("--variant", kb.variant, "base, debug, kasan or kcsan")->capture_default_str();
  kbuild->add_option("--jobs", kb.jobs, "make -j (default: one per core)");
  kbuild->add_option("--config", kb.fragments, "More config fragments, applied after the variant's (repeatable)");
  kbuild->add_option("--patch", kb.patches, "A patch to apply to a copy of the tree (the tree is never touched; repeatable)");
  kbuild->add_flag("--rebuild", kb.rebuild, "Run make even when this commit and config were built before (kept kernels are reused otherwise)");
  kbuild->add_flag("--bzimage", kb.bzimage, "Build arch/x86/boot/bzImage too and deliver that (default: vmlinux, entered through PVH, where the config has CONFIG_PVH)");
  kbuild->add_option("--cache", kb.cache_dir, "Cache dir (default $CXLRIG_CACHE or ~/.cache/cxlrig)");
  std::string src_series, src_into, src_cache;
  auto* ksource = kernel->add_subcommand("source", "Fetch and unpack Debian's linux-source-SERIES (not installed)");
  ksource->add_option("--series", src_series, "Kernel series, e.g. 7.3")->required();
  ksource->add_option("--into", src_into, "Directory to unpack into")->required();
  ksource->add_option("--cache", src_cache, "Cache dir (default $CXLRIG_CACHE or ~/.cache/cxlrig)");

  RunOptions io;
  auto* kinfo = kernel->add_subcommand("info", "Boot a kernel and print what it offers the scenarios (SKIP reasons)");
  add_kernel_vm_options(kinfo, io);
  kinfo->add_option("--out", io.out, "Artifacts dir (default runs/<timestamp>)");

  NightlyOptions no;
  auto* nightly = app.add_subcommand("nightly", "Run a matrix of cells (ci/nightly.json) and say what changed since the last night");
  nightly->add_option("matrix", no.matrix, "Matrix file (cxlrig.matrix/1)");
  nightly->add_option("--out", no.out, "Night dir: cells/<cell>/ artifacts, nightly.html, junit.xml, kcidb.json (default runs/nightly-<time>)");
  nightly->add_option("--db", no.db, "History (SQLite; default " + default_history_path() + "; a shard of several keeps none unless given)");
  nightly->add_option("--shard", no.shard, "Run shard i of n (1/1): every n-th cell from the i-th")->capture_default_str();
  nightly->add_option("--night", no.night, "The night's id, the same on every shard (default: its start time)");
  nightly->add_option("--known", no.known, "Known-issues file (default: the matrix's known_issues)");
  nightly->add_option("--jobs", no.jobs, "Cells at once (default: one per core, bounded by memory at 2 GiB each)")
      ->check(CLI::PositiveNumber);
  nightly->add_option("--cache", no.cache_dir, "Cache dir (default $CXLRIG_CACHE or ~/.cache/cxlrig)");
  nightly->add_option("--accel", no.accel, "auto, kvm or tcg, for every cell")->capture_default_str()->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  MergeOptions mo;
  auto* merge = nightly->add_subcommand("merge", "Fold shards' night dirs into one history and one page");
  merge->add_option("dirs", mo.dirs, "The shards' --out dirs")->required();
  merge->add_option("--out", mo.out, "Where the merged page, JUnit and KCIDB go")->required();
  merge->add_option("--db", mo.db, "History (SQLite; default " + default_history_path() + ")");
  merge->add_option("--known", mo.known, "Known-issues file");
  merge->add_option("--flaky-window", mo.flaky_window, "Nights a row's flips are counted over")->capture_default_str()->check(CLI::PositiveNumber);

  auto* topo = app.add_subcommand("topo", "Topologies in qemu-configs/");
  topo->require_subcommand(1);
  topo->add_subcommand("list", "List shipped topologies");
  std::string topo_name;
  auto* show = topo->add_subcommand("show", "Print the QEMU command a topology produces");
  show->add_option("name", topo_name, "Topology name or file")->required();
  bool libvirt_xml = false;
  show->add_flag("--libvirt-xml", libvirt_xml, "Print the libvirt domain XML instead of the QEMU command");

  auto* kernels = app.add_subcommand("kernels", "Packaged kernels in images/kernels.lock.json");
  kernels->require_subcommand(1);
  kernels->add_subcommand("list", "Show the locked kernels");
  std::string cache;
  auto* update = kernels->add_subcommand("update", "Lock the newest kernel of every series on the mirror");
  update->add_option("--cache", cache, "Cache dir");
  auto* available = kernels->add_subcommand("available", "Every packaged kernel on the mirror, oldest first");
  available->add_option("--cache", cache, "Cache dir");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  // Reproduce lines and bisect steps repeat the flags exactly as typed.
  const std::vector<std::string> typed(argv, argv + argc);
  ro.argv = so.argv = io.argv = bo.run.argv = rc.argv = typed;
  rc.race_command = true;
  try {
    if (*run) return run_command(ro);
    if (*race) return run_command(rc);
    if (*bisect) return bisect_command(bo);
    if (*step) return bisect_step_command(so, steps_dir, step_reverse);
    if (*kernel) {
      if (kernel->got_subcommand("source")) return kernel_source_command(src_series, src_into, src_cache);
      if (kernel->got_subcommand("info")) {
        io.probe_only = true;
        if (io.topology.empty()) io.topology = "dcd-1";  // a DCD device too, so DCD support shows
        return run_command(io);
      }
      return kernel_build_command(kb);
    }
    if (*nightly) {
      if (nightly->got_subcommand("merge")) return nightly_merge_command(mo);
      if (no.matrix.empty()) throw InputError("MATRIX", "no matrix file given", "cxlrig nightly ci/nightly.json");
      return nightly_command(no);
    }
    if (*topo) return topo->got_subcommand("list") ? topo_list_command() : topo_show_command(topo_name, libvirt_xml);
    if (*kernels) {
      if (kernels->got_subcommand("list")) return kernels_list_command();
      if (kernels->got_subcommand("available")) return kernels_available_command(cache);
      return kernels_update_command(cache);
    }
  } catch (const InputError& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
    return kExitUsage;
  } catch (const Interrupted&) {
    std::cerr << "cxlrig: interrupted; every child process stopped\n";
    return kExitInterrupted;
  } catch (const std::exception& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
    return kExitInfra;
  }
  return kExitUsage;
}
