#include "OtherCommands.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "InputError.h"
#include "KernelStore.h"
#include "LibvirtDomain.h"
#include "QemuCommand.h"
#include "RegionPlan.h"
#include "RunCommand.h"
#include "Topology.h"

namespace fs = std::filesystem;

namespace cxlrig {

int topo_list_command() {
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(data_dir() + "/qemu-configs"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    Topology t = load_topology_file(f.string());
    std::cout << t.name << "\t" << t.description << '\n';
  }
  return 0;
}

int topo_show_command(const std::string& name, bool libvirt_xml) {
  Topology t = load_topology_file(resolve_topology_path(name, data_dir()));
  plan_region(t, 0);  // a region the devices cannot form is an error here too, not at boot
  if (libvirt_xml) {
    // libvirt's schema wants absolute paths: placeholders a user replaces.
    std::cout << libvirt_domain_xml(t, {"/KERNEL", "/INITRD", kernel_cmdline(t), "/SCRATCH"},
                                    {"/RUN/console.sock", "/RUN/agent.sock"}, Accel::kTcg, "cxlrig-" + t.name,
                                    "/usr/bin/qemu-system-x86_64");
    return 0;
  }
  auto argv = build_qemu_argv("qemu-system-x86_64", t, {"KERNEL", "INITRD", kernel_cmdline(t)},
                              {"QMP.sock", "CONSOLE.sock", "AGENT.sock"}, Accel::kTcg);
  std::cout << shell_quote(argv) << '\n';
  return 0;
}

int kernels_update_command(const std::string& cache_dir) {
  const std::string path = data_dir() + "/images/kernels.lock.json";
  KernelStore store(cache_dir.empty() ? default_cache_dir() : cache_dir, load_kernel_lock(path), std::cerr);
  KernelLock fresh = store.newest_lock();
  std::ofstream(path) << to_json(fresh).dump(2) << '\n';
  for (auto& [name, ls] : fresh.series) std::cout << name << "\t" << ls.kernel.abi << "\t" << ls.kernel.packages[0].version << '\n';
  std::cout << "wrote " << path << '\n';
  return 0;
}

int kernels_list_command() {
  KernelLock lock = load_kernel_lock(data_dir() + "/images/kernels.lock.json");
  for (auto& [name, ls] : lock.series)
    std::cout << name << (name == lock.default_series ? " (default)" : "") << "\t" << ls.kernel.abi << "\t"
              << ls.suite << '\n';
  return 0;
}

int kernels_available_command(const std::string& cache_dir) {
  KernelLock lock = load_kernel_lock(data_dir() + "/images/kernels.lock.json");
  KernelStore store(cache_dir.empty() ? default_cache_dir() : cache_dir, lock, std::cerr);
  for (auto& k : store.available()) {
    uint64_t bytes = 0;
    for (auto& p : k.packages) bytes += p.size;
    std::cout << k.abi << "\t" << k.packages[0].version << "\t" << (bytes >> 20) << " MiB\n";
  }
  return 0;
}

}  // namespace cxlrig
