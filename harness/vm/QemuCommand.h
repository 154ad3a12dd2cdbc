// Topology + kernel + sockets -> the exact QEMU argv. Pure: the same inputs give the same
// command, which the run records in its artifacts.
#pragma once
#include <string>
#include <vector>

#include "AgentProtocol.h"
#include "Topology.h"

namespace cxlrig {

enum class Accel { kTcg, kKvm };
const char* to_string(Accel a);

struct BootSpec {
  std::string kernel;
  std::string initrd;
  std::string cmdline;
  // Where file backends without a path get their file (the VM's private temp dir).
  std::string scratch_dir = "SCRATCH";
};

// Unix sockets the harness listens on; QEMU connects to them as a client, so no output is
// lost before the harness is ready and no path needs polling.
struct VmSockets {
  std::string qmp;
  std::string console;
  std::string agent;
};

// The topology's memory backends, host bridges, ports, switches, type-3 devices and fixed
// memory windows as QEMU arguments: shared by the direct argv and libvirt's qemu:commandline.
std::vector<std::string> cxl_topology_args(const Topology& t, const std::string& scratch_dir);

// CPU features a TCG guest goes without (both backends). With erms/fsrm/fsrs the kernel's
// memset, memcpy and clear_page patch in `rep stosb`/`rep movsb`, which TCG runs a byte at
// a time; without them it takes the 8-byte loops (memset_orig, memcpy_orig,
// clear_page_rep). On a page that held code, as the init text free_initmem() poisons, each
// of those stores is a TCG self-modifying-code check. Debian 7.3.4's boot to /init, 9 runs
// each: median 5.86 s with them, 5.28 s without.
inline constexpr const char* kTcgCpuFeaturesOff[] = {"erms", "fsrm", "fsrs"};

std::vector<std::string> build_qemu_argv(const std::string& qemu_binary, const Topology& topo,
                                         const BootSpec& boot, const VmSockets& sockets, Accel accel);

// Shell-quoted, one line: what a developer pastes to rerun the guest by hand.
std::string shell_quote(const std::vector<std::string>& argv);

// The guest kernel command line: loglevel 5 keeps WARN (level 4) on the console, and
// speculation mitigations are off (slow under TCG, irrelevant to the checks); with 2+
// vCPUs the last one is isolated for the MCE AR consumer; `extra` (--kernel-arg) goes last.
std::string kernel_cmdline(const Topology& t, const std::vector<std::string>& extra = {});

}  // namespace cxlrig
