#include "QemuCommand.h"

#include <cstdio>

namespace cxlrig {

const char* to_string(Accel a) { return a == Accel::kKvm ? "kvm" : "tcg"; }

namespace {
std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + "M"; }
}  // namespace

std::string kernel_cmdline(const Topology& t, const std::vector<std::string>& extra) {
  // panic=-1 with -no-reboot makes a panic end QEMU at once instead of hanging the run.
  // mitigations=off: under TCG page-table isolation flushes QEMU's software TLB on every
  // kernel entry; it cost Debian's 7.3.4 1.5 s of boot and 2 s of a default run
  // (bench/boot_bench), and no scenario depends on a speculation mitigation.
  // cryptomgr.notests: the crypto manager's boot self-tests of every built-in algorithm
  // (crypto_algapi_init() and each registration) cost Debian's 7.3.4 about 2 s of boot
  // under TCG (bench/boot_bench); no scenario uses the crypto API.
  // swiotlb=noforce: maxmem puts hotpluggable memory above 4 GiB, so pci_swiotlb_detect()
  // sets up the 64 MiB bounce buffer, and swiotlb_init_remap() zeroes it and fills its slot
  // table with rep stos under TCG: 0.7 s of every boot (sampled RIPs:
  // memblock_alloc_try_nid, swiotlb_init_io_tlb_pool). The guest's only DMA device is
  // virtio-serial, which takes 64-bit addresses; nothing bounces.
  std::string c =
      "console=ttyS0 loglevel=5 panic=-1 rdinit=/init mitigations=off cryptomgr.notests swiotlb=noforce";
  // The last vCPU is kept for the MCE AR consumer: an AR machine check that lands in
  // kernel mode panics the guest, so nothing else may run there: no tasks (isolcpus),
  // no device IRQs (irqaffinity), no scheduler tick or RCU callbacks while the consumer
  // spins alone (nohz_full, rcu_nocbs; Debian kernels have NO_HZ_FULL).
  if (t.machine.cpus >= 2) {
    const std::string cpu = std::to_string(t.machine.cpus - 1);
    c += " isolcpus=" + cpu + " nohz_full=" + cpu + " rcu_nocbs=" + cpu + " irqaffinity=0";
  }
  for (auto& a : extra) c += " " + a;
  return c;
}

std::vector<std::string> cxl_topology_args(const Topology& t, const std::string& scratch_dir) {
  std::vector<std::string> a;
  auto add = [&](std::initializer_list<std::string> xs) { a.insert(a.end(), xs); };
  for (auto& b : t.backends) {
    if (b.type == "ram")
      add({"-object", "memory-backend-ram,id=" + b.id + ",share=on,size=" + mib(b.size)});
    else
      add({"-object", "memory-backend-file,id=" + b.id + ",share=on,mem-path=" +
                          (b.path.empty() ? scratch_dir + "/" + b.id + ".mem" : b.path) + ",size=" + mib(b.size)});
  }
  // Fixed slots from 0x10: under libvirt our -device options are created before libvirt's
  // own (JSON-syntax) ones, so an auto-placed pxb-cxl would take the slot libvirt assigned
  // to its first pcie-root-port. Both backends use the same slots, so guests match.
  for (size_t i = 0; i < t.host_bridges.size(); ++i) {
    const auto& hb = t.host_bridges[i];
    char addr[8];
    std::snprintf(addr, sizeof addr, "0x%zx", 0x10 + i);
    add({"-device", "pxb-cxl,bus_nr=" + std::to_string(hb.bus_nr) + ",bus=pcie.0,addr=" + addr + ",id=" + hb.id});
  }
  for (auto& rp : t.root_ports)
    add({"-device", "cxl-rp,port=" + std::to_string(rp.port) + ",bus=" + rp.bus + ",id=" + rp.id +
                        ",chassis=" + std::to_string(rp.chassis) + ",slot=" + std::to_string(rp.slot)});
  for (auto& sw : t.switches) {
    add({"-device", "cxl-upstream,bus=" + sw.bus + ",id=" + sw.id});
    for (auto& ds : sw.downstream)
      add({"-device", "cxl-downstream,port=" + std::to_string(ds.port) + ",bus=" + sw.id + ",id=" + ds.id +
                          ",chassis=" + std::to_string(ds.chassis) + ",slot=" + std::to_string(ds.slot)});
  }
  for (auto& d : t.type3) {
    char sn[32];
    snprintf(sn, sizeof sn, "0x%llx", static_cast<unsigned long long>(d.serial));
    std::string dev = "cxl-type3,bus=" + d.bus;
    if (!d.volatile_memdev.empty()) dev += ",volatile-memdev=" + d.volatile_memdev;
    if (!d.persistent_memdev.empty()) dev += ",persistent-memdev=" + d.persistent_memdev + ",lsa=" + d.lsa;
    if (d.is_dcd()) dev += ",volatile-dc-memdev=" + d.dc_memdev + ",num-dc-regions=" + std::to_string(d.dc_regions);
    add({"-device", dev + ",id=" + d.id + ",sn=" + sn});
  }
  for (size_t i = 0; i < t.windows.size(); ++i) {
    const auto& w = t.windows[i];
    std::string p = "cxl-fmw." + std::to_string(i);
    std::string m;
    for (size_t k = 0; k < w.targets.size(); ++k)
      m += (k ? "," : "") + p + ".targets." + std::to_string(k) + "=" + w.targets[k];
    m += "," + p + ".size=" + mib(w.size);
    if (w.granularity) m += "," + p + ".interleave-granularity=" + std::to_string(*w.granularity);
    add({"-M", m});
  }
  return a;
}

std::vector<std::string> build_qemu_argv(const std::string& qemu_binary, const Topology& t,
                                         const BootSpec& boot, const VmSockets& s, Accel accel) {
  std::vector<std::string> a{qemu_binary};
  auto add = [&](std::initializer_list<std::string> xs) { a.insert(a.end(), xs); };
  add({"-machine", "q35,cxl=on"});
  // hypervisor=off: region commit fails with ENXIO otherwise ("Failed to synchronize CPU
  // cache state"); vendor=GenuineIntel: the HMP mce command needs an Intel CPU model.
  if (accel == Accel::kKvm) {
    add({"-accel", "kvm", "-cpu", "host,hypervisor=off"});
  } else {
    // An Intel family-6 model >= 14 CPU: QEMU only broadcasts an injected MCE (`mce -b`)
    // to such CPUs, and the guest's MCE handler waits for every CPU (else it panics).
    std::string cpu = "max,hypervisor=off,vendor=GenuineIntel,family=6,model=85,stepping=4";
    for (auto f : kTcgCpuFeaturesOff) cpu += std::string(",") + f + "=off";
    add({"-accel", "tcg", "-cpu", cpu});
  }
  add({"-m", mib(t.machine.memory) + ",maxmem=" + mib(t.machine.maxmem) + ",slots=" +
                 std::to_string(t.machine.slots),
       "-smp", std::to_string(t.machine.cpus), "-nodefaults", "-no-user-config", "-display",
       "none", "-no-reboot"});
  add({"-kernel", boot.kernel, "-initrd", boot.initrd, "-append", boot.cmdline});
  add({"-chardev", "socket,id=qmp,path=" + s.qmp, "-mon", "chardev=qmp,mode=control"});
  add({"-chardev", "socket,id=con,path=" + s.console, "-serial", "chardev:con"});
  // Pinned to pcie.0: an auto-placed PCI device may land on the pxb-cxl bus, which only
  // takes bridges.
  add({"-device", "virtio-serial-pci,id=vser0,bus=pcie.0", "-chardev",
       "socket,id=agent,path=" + s.agent, "-device",
       std::string("virtserialport,bus=vser0.0,chardev=agent,name=") + proto::kPortName});
  const auto cxl = cxl_topology_args(t, boot.scratch_dir);
  a.insert(a.end(), cxl.begin(), cxl.end());
  return a;
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (auto& s : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !s.empty() && s.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+@%") == std::string::npos;
    if (plain) {
      out += s;
    } else {
      out += '\'';
      for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace cxlrig
