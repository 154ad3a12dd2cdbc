#include "RunCommand.h"

#include <algorithm>

#include <filesystem>
#include <iostream>

#include "AccelProbe.h"
#include "CapabilityReport.h"
#include "ConsoleScanner.h"
#include "DcdPlan.h"
#include "ReproduceLine.h"
#include "RunStatus.h"
#include "ScenarioFit.h"
#include "TtyStatus.h"
#include "Oracle.h"
#include "Artifacts.h"
#include "Initramfs.h"
#include "InputError.h"
#include "Interrupt.h"
#include "BootEntry.h"
#include "KernelStore.h"
#include "ModuleSet.h"
#include "PhaseLog.h"
#include "RegionPlan.h"
#include "RaceCheck.h"
#include "RaceReport.h"
#include "Report.h"
#include "ScenarioRunner.h"
#include "Subprocess.h"
#include "KernelBuild.h"
#include "Vm.h"

namespace fs = std::filesystem;

namespace cxlrig {

std::string data_dir() {
  if (const char* d = getenv("CXLRIG_DATA"); d && *d) return d;
  return CXLRIG_DATA_DIR;
}

namespace {

// Guest modules in the order the design found to work; dependencies are pulled in ahead.
// kmem is deliberately absent: it would online the dax device as System RAM.
const std::vector<std::string> kEarlyModules = {"virtio_pci", "virtio_console"};
// cxlrig_holder is the rig's own test module (guest-tests/modules): only kernels built by
// `cxlrig kernel build` have it.
const std::vector<std::string> kScenarioModules = {"cxl_acpi", "cxl_pci", "cxl_mem", "dax_cxl", "device_dax",
                                                   "fsdev_dax", "hwpoison_inject", "cxlrig_holder"};
// A pmem region goes region -> nvdimm region -> namespace -> nd dax -> static dev_dax.
const std::vector<std::string> kPmemModules = {"cxl_pmem", "libnvdimm", "nd_pmem", "dax_pmem"};

KernelImage pick_kernel(const RunOptions& o, const std::string& cache, const KernelLock& lock, RunResult& r,
                        const Artifacts& art) {
  if (!o.kernel_tree.empty()) {
    if (!o.kernel_image.empty() || !o.kernel_series.empty())
      throw InputError("--kernel-tree", "cannot be combined with --kernel-image or --kernel", "pick one kernel source");
    // The build log goes with the run's artifacts whether or not the build worked.
    auto keep_log = [&](const std::string& log) {
      std::error_code ec;
      std::filesystem::copy_file(log, art.file("kernel-build.log"), std::filesystem::copy_options::overwrite_existing, ec);
    };
    BuiltKernel b;
    try {
      b = build_kernel({o.kernel_tree, o.variant, o.kernel_configs, o.kernel_patches, o.jobs, cache, data_dir(), o.rebuild,
                        o.build_via_copy, parse_boot_mode(o.boot) == BootMode::kBzImage},
                       std::cerr);
    } catch (const KernelBuildError& e) {
      keep_log(e.log());
      throw;
    }
    keep_log(b.build_log);
    KernelImage k = KernelStore::user(b.image, b.modules_dir);
    k.source = "built";
    k.abi = b.release;
    r.capabilities["kernel_build"] = b.to_json();
    return k;
  }
  if (!o.kernel_image.empty()) return KernelStore::user(o.kernel_image, o.modules_dir);
  if (!o.modules_dir.empty()) throw InputError("--modules", "only makes sense with --kernel-image");
  KernelStore store(cache, lock, std::cerr);
  const std::string want = o.kernel_series.empty() ? lock.default_series : o.kernel_series;
  // A locked series ("7.3"), or any packaged kernel on the mirror by version or ABI.
  if (!lock.series.count(want) && std::count(want.begin(), want.end(), '.') >= 2)
    return store.packaged_abi(want, "--kernel");
  return store.packaged(want, o.locked_only);
}

}  // namespace

namespace {

// Everything a run settles before its first guest boots: inputs read and checked, the
// kernel fetched or built, the initramfs made, the accelerator chosen.
struct Prepared {
  Scenario scenario;
  Topology topo;
  RegionPlan plan;
  std::vector<PoisonPath> inject;
  BackendSpec backend;
  KernelImage kernel;
  BootEntry boot;  // the file QEMU enters: the bzImage or the PVH ELF inside it
  InitramfsImage initrd;
  std::vector<std::string> load;  // modules the agent loads, in order
  AccelChoice accel;
  std::string cache;
  std::vector<std::string> kernel_args;  // --kernel-arg, then a race's boot knobs
  std::vector<std::string> window;       // a race's window patches, when the kernel was built with them
};

// A race's runs, duration and window: --runs and --duration override the scenario's; the
// window patches go into a --kernel-tree build (named in the results) unless --no-window.
void prepare_race(const RunOptions& o, Prepared& p, RunOptions& build, RunResult& r, const std::string& data) {
  if (!p.scenario.race) {
    if (o.race_command)
      throw InputError("--scenario", p.scenario.name + " is a " + to_string(p.scenario.kind) + " scenario, not a race",
                       "pick a scenario whose kind is \"race\" (guest-tests/scenarios/race-*.json), or use `cxlrig run`");
    if (o.race_runs || o.race_duration_s || o.no_window)
      throw InputError(o.race_runs ? "--runs" : o.race_duration_s ? "--duration" : "--no-window",
                       "only applies to a race scenario (kind \"race\"); " + p.scenario.name + " is " +
                           to_string(p.scenario.kind),
                       "pick a race scenario with --scenario, or drop the flag");
    return;
  }
  RaceSpec& race = *p.scenario.race;
  if (o.race_runs) {
    if (*o.race_runs == 0) throw InputError("--runs", "must be at least 1");
    race.runs = *o.race_runs;
  }
  if (o.race_duration_s && *o.race_duration_s == 0) throw InputError("--duration", "must be at least 1 second");
  p.kernel_args.insert(p.kernel_args.end(), race.kernel_args.begin(), race.kernel_args.end());
  // Every race builds in the patched copy, so shipped, window, fix and revert builds of a
  // variant switch incrementally.
  build.build_via_copy = true;
  if (o.no_window) return;
  std::vector<std::string> files;
  for (size_t i = 0; i < race.window.size(); ++i) {
    const std::string f = data + "/images/patches/" + race.window[i];
    if (!std::filesystem::exists(f))
      throw InputError(p.scenario.name + ".race.window[" + std::to_string(i) + "]", "no patch " + f,
                       "name a file in images/patches/");
    files.push_back(f);
  }
  if (files.empty()) return;
  if (o.kernel_tree.empty()) {
    r.capabilities["race_window"] = "not applied: the kernel was not built by the rig (use --kernel-tree)";
    return;
  }
  build.kernel_patches.insert(build.kernel_patches.begin(), files.begin(), files.end());
  p.window = race.window;
}

Prepared prepare(const RunOptions& o, RunResult& r, const Artifacts& art) {
  Prepared p;
  const std::string data = data_dir();
  p.scenario = load_scenario_file(resolve_scenario_path(o.scenario, data));
  r.scenario = p.scenario.name;
  r.guards = p.scenario.guards;
  p.topo = load_topology_file(resolve_topology_path(o.topology.empty() ? p.scenario.topology : o.topology, data));
  r.topology = p.topo.name;
  // Scenario and topology must agree before anything boots: the region must exist as
  // planned, and the kind must fit it (ScenarioFit).
  p.plan = plan_region(p.topo, 0);
  check_scenario_fits(p.scenario, p.topo, p.plan, o.topology.empty() ? p.scenario.name + ".topology" : "--topology");
  if (!o.inject.empty()) p.inject = poison_paths_from_list(o.inject, "--inject");
  if (o.layouts && *o.layouts == 0) throw InputError("--layouts", "must be at least 1");
  if (o.timeout_s && *o.timeout_s == 0) throw InputError("--timeout", "must be at least 1 second", "omit it for the scenario's own budget");
  r.layouts_requested = o.layouts.value_or(p.scenario.layouts);
  for (auto path : p.inject.empty() ? all_poison_paths() : p.inject) r.inject.push_back(to_string(path));
  p.backend.kind = backend_kind_from_string(o.backend, "--backend");
  if (!o.connect_uri.empty()) {
    if (p.backend.kind != BackendKind::kLibvirt) throw InputError("--connect", "only applies to the libvirt backend", "add --backend libvirt, or drop --connect");
    p.backend.connect_uri = o.connect_uri;
  }
  r.capabilities["backend"] = to_string(p.backend.kind);
  if (find_program(o.qemu).empty()) throw InputError("--qemu", o.qemu + " not found", "run ci/install-deps, or pass --qemu PATH");
  p.cache = o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
  KernelLock lock = load_kernel_lock(data + "/images/kernels.lock.json");
  art.write_json("config.json", {{"scenario", p.scenario.name}, {"topology", p.topo.name}, {"seed", o.seed},
                                 {"kernel_series", o.kernel_series}, {"kernel_image", o.kernel_image},
                                 {"modules_dir", o.modules_dir}, {"accel", o.accel}, {"boot", o.boot}, {"cache", p.cache},
                                 {"backend", to_string(p.backend.kind)}, {"connect", p.backend.connect_uri},
                                 {"kernel_args", o.kernel_args}, {"argv", o.argv}});

  p.kernel_args = o.kernel_args;
  RunOptions build = o;
  prepare_race(o, p, build, r, data);
  p.kernel = timed_phase(r.phases, "kernel", [&] { return pick_kernel(build, p.cache, lock, r, art); });
  std::vector<std::string> modules = kScenarioModules;
  if (p.plan.mode == "pmem") modules.insert(modules.end(), kPmemModules.begin(), kPmemModules.end());
  r.kernel = p.kernel.to_json();
  auto [early, mods] = timed_phase(r.phases, "modules-select", [&] {
    ModuleIndex index(p.kernel.modules_dir);
    return std::make_pair(index.select(kEarlyModules), index.select(modules));
  });
  r.kernel["modules_not_found"] = mods.missing;  // built in, or not in this kernel
  for (auto& m : mods.ordered) p.load.push_back(m.name);
  p.initrd = timed_phase(r.phases, "initramfs", [&] {
    return build_initramfs({"/bin/busybox", CXLRIG_AGENT_PATH, early.ordered, mods.ordered}, p.cache);
  });
  r.kernel["initramfs"] = p.initrd.path;
  p.boot = timed_phase(r.phases, "boot-entry", [&] { return choose_boot_entry(p.kernel.vmlinuz, p.cache, parse_boot_mode(o.boot)); });
  r.kernel["boot"] = p.boot.to_json();
  p.accel = timed_phase(r.phases, "accel-probe", [&] { return choose_accel(o.accel, find_program(o.qemu), p.kernel.vmlinuz, p.cache); });
  r.accel = to_string(p.accel.accel);
  r.capabilities["accel_reason"] = p.accel.why;
  p.backend.qemu_binary = find_program(o.qemu);
  return p;
}

// One guest: boot it with its logs in `art`, drive the scenario's guest `g`, and take it
// down whatever happens; its splats and QMP events land in r.
void run_guest(const Prepared& p, const RunOptions& o, size_t g, const Artifacts& art, RunResult& r, RunStatus& status) {
  ConsoleScanner console;  // outlives the Vm: the splats are read after it is gone
  boost::asio::io_context ioc;
  std::unique_ptr<Vm> vm;
  auto take_down = [&] {
    if (!vm) return;
    vm->kill();
    for (auto s : console.splats()) {
      s.guest = g;
      r.splats.push_back(s);
    }
    for (auto& m : vm->qmp_events()) r.capabilities["qmp_events"].push_back(m.body);
    vm.reset();
  };
  try {
    vm = std::make_unique<Vm>(ioc, p.topo, BootSpec{p.boot.kernel, p.initrd.path, kernel_cmdline(p.topo, p.kernel_args)},
                              p.accel.accel, p.backend, art.vm_logs(), console);
    const auto [def_name, def_text] = vm->definition();
    art.write_text(def_name, def_text);
    timed_phase(r.phases, "qemu-start", [&] {
      vm->start(Millis(30000));
      return 0;
    });
    ScenarioOptions so;
    so.seed = o.seed;
    so.layouts = r.layouts_requested;
    so.inject = p.inject;
    so.region = p.plan;
    so.status = &status;
    so.guest = g;
    if (p.scenario.guests() > 1) so.row_prefix = "guest" + std::to_string(g) + "/";
    so.console = &console;
    so.race_duration_s = o.race_duration_s;
    so.race_window = p.window;
    std::error_code cwd_ec;
    so.reproduce_prefix = o.argv.empty() ? "cxlrig run --scenario " + o.scenario
                                         : shell_quote(run_argv_from(o.argv, reproduce_rewrite(),
                                                                     std::filesystem::current_path(cwd_ec).string()));
    so.modules = p.load;
    const unsigned budget = o.timeout_s.value_or(p.scenario.timeout_s);
    so.boot_timeout = Millis(budget * 1000ull / 2);
    so.step_timeout = Millis(std::max(30u, budget / 4) * 1000ull);
    ScenarioRunner runner(*vm, p.scenario, p.topo, so, r);
    if (o.probe_only) runner.probe();
    else runner.run();
    // After an Oops the agent may be gone: waiting for its poweroff only costs the timeout.
    if (console.fatal_splats_seen() == 0)
      timed_phase(r.phases, "shutdown", [&] {
        vm->shutdown(Millis(10000));
        return 0;
      });
  } catch (const InfraError& e) {
    // A kernel entered through PVH that dies before its first console line has most likely
    // faulted in its early PVH code (seen: KASAN with -Os, where gcc turns the
    // __builtin_memcmp in cpuid_base_hypervisor() into an instrumented memcmp call before
    // the shadow exists: a triple fault). Say which way back there is.
    const bool silent = console.lines() == 0;
    take_down();
    if (silent && p.boot.entry == "pvh")
      throw InfraError(std::string(e.what()) + "; the kernel printed nothing after QEMU entered it through PVH (" +
                       p.boot.kernel + "): try --boot bzimage");
    throw;
  } catch (...) {
    take_down();
    throw;
  }
  take_down();
}

}  // namespace

int run_command(const RunOptions& o) {
  install_interrupt_handlers();
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r;
  std::optional<RaceSpec> race;
  TtyStatus tty;
  RunStatus status(tty);
  r.phases.on_start = [&](const std::string& name) { status.phase(name); };
  r.started = utc_timestamp(false);
  r.seed = o.seed;
  r.scenario = o.scenario;
  r.capabilities["qmp_events"] = nlohmann::json::array();
  Artifacts art;
  try {
    art = make_artifacts_dir(o.out);
  } catch (const InputError& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
    return kExitUsage;
  }
  r.artifacts_dir = art.dir;
  try {
    const Prepared p = prepare(o, r, art);
    race = p.scenario.race;
    const size_t guests = o.probe_only ? 1 : p.scenario.guests();
    for (size_t g = 0; g < guests; ++g) {
      // One guest: its logs where they always are. Several: each in guest-<g>/.
      Artifacts where = art;
      if (guests > 1) {
        where.dir = art.dir + "/guest-" + std::to_string(g);
        std::filesystem::create_directories(where.dir);
        r.guests.push_back({{"index", g}, {"dir", where.dir}});
      }
      try {
        run_guest(p, o, g, where, r, status);
      } catch (const GuestSplatted& e) {
        // The kernel oopsed under a step no kind caught: the splat is the finding; the
        // scenario's next guest still runs.
        if (guests > 1) r.guests.back()["ended"] = e.what();
        else throw;
      }
    }
  } catch (const InputError& e) {
    r.error_code = kExitUsage;
    r.error = e.what();
  } catch (const Interrupted&) {
    r.error_code = kExitInterrupted;
    r.error = "interrupted by signal " + std::to_string(interrupt_signal()) + "; QEMU stopped, artifacts kept";
  } catch (const AgentStepError& e) {
    r.error_code = kExitFail;
    r.rows.push_back(setup_failure_row("setup/" + e.failure.op, "", "", e.failure.op, e.failure.error.err, e.what()));
  } catch (const std::exception& e) {
    r.error_code = kExitInfra;
    r.error = e.what();
  }
  r.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (race) r.race = to_json(summarize_race(*race, r.rows, r.splats));
  tty.clear();
  try {
    art.write_json("results.json", to_results_json(r));
    art.write_text("junit.xml", to_junit_xml(r));
  } catch (const std::exception& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
  }
  if (o.probe_only && r.booted) std::cout << render_capabilities(r.kernel_release.empty() ? "?" : r.kernel_release, r.capabilities);
  std::cout << render_table(r);
  if (!r.race.is_null()) std::cout << render_race(r.race);
  std::cout << "artifacts: " << art.dir << '\n';
  if (!r.error.empty()) std::cerr << "cxlrig: " << r.error << '\n';
  return r.exit_code();
}

}  // namespace cxlrig
