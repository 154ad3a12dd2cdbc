// cxlrig: a CXL/DAX kernel test rig. Parses the command line and hands over.
#include <CLI/CLI.hpp>

#include <iostream>

#include "InputError.h"
#include "OtherCommands.h"
#include "RunCommand.h"

int main(int argc, char** argv) {
  using namespace cxlrig;
  CLI::App app{"cxlrig: boot CXL guests, build multi-range dax devices, inject poison, check offsets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CXLRIG_VERSION);

  RunOptions ro;
  auto* run = app.add_subcommand("run", "Run a scenario in a fresh guest and print the verdict table");
  run->add_option("--kernel", ro.kernel_series, "Packaged kernel series from images/kernels.lock.json (7.3, 6.12)");
  run->add_option("--kernel-image", ro.kernel_image, "A kernel you built (bzImage) instead of a packaged one");
  run->add_option("--modules", ro.modules_dir, "lib/modules/VERSION dir for --kernel-image (omit if all built in)");
  run->add_flag("--locked", ro.locked_only, "Fail (exit 125) if the locked kernel version is gone from the mirror");
  run->add_option("--scenario", ro.scenario, "Scenario name (guest-tests/scenarios/) or file")->capture_default_str();
  run->add_option("--topology", ro.topology, "Topology name (qemu-configs/) or file; default: the scenario's");
  run->add_option("--seed", ro.seed, "Layout generator seed; layout i uses seed+i")->capture_default_str();
  run->add_option("--layouts", ro.layouts, "Layouts to draw and check in one boot (default: the scenario's)");
  run->add_option("--inject", ro.inject,
                  "Poison paths, comma-separated, or all: madvise, corrupt_pfn, hard_offline, mce_ao, mce_ar, "
                  "cxl_qmp, cxl_debugfs (default: all that apply)");
  run->add_option("--out", ro.out, "Artifacts dir (default runs/<timestamp>)");
  run->add_option("--accel", ro.accel, "auto, kvm or tcg")->capture_default_str()->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  run->add_option("--qemu", ro.qemu, "QEMU binary")->capture_default_str();
  run->add_option("--backend", ro.backend, "qemu (QEMU as our child) or libvirt (a transient libvirt domain)")
      ->capture_default_str();
  run->add_option("--connect", ro.connect_uri, "libvirt URI for --backend libvirt (default qemu:///system)");
  run->add_option("--cache", ro.cache_dir, "Cache dir (default $CXLRIG_CACHE or ~/.cache/cxlrig)");
  run->add_option("--kernel-arg", ro.kernel_args, "Extra kernel command line argument (repeatable)");
  run->add_option("--timeout", ro.timeout_s, "Overall guest time budget in seconds (default: the scenario's)");

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  try {
    if (*run) return run_command(ro);
    if (*topo) return topo->got_subcommand("list") ? topo_list_command() : topo_show_command(topo_name, libvirt_xml);
    if (*kernels) return kernels->got_subcommand("list") ? kernels_list_command() : kernels_update_command(cache);
  } catch (const InputError& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "cxlrig: " << e.what() << '\n';
    return kExitInfra;
  }
  return kExitUsage;
}
