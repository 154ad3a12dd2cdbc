// The ways poison reaches a kernel, and what each one does on the way: whether it calls
// memory_failure() and with which flags, and in which task. The oracle's expectations
// follow from these facts (ExpectedObservations), so they are written down once, here.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

enum class PoisonPath {
  kMadvise,      // guest madvise(MADV_HWPOISON) on the mapping
  kCorruptPfn,   // guest debugfs hwpoison/corrupt-pfn
  kHardOffline,  // guest /sys/devices/system/memory/hard_offline_page
  kMceAo,        // host HMP `mce`, action optional (memory scrubbing, SRAO)
  kMceAr,        // host HMP `mce`, action required (data load, SRAR) on the pinned mapper's vCPU
  kCxlQmp,       // host QMP cxl-inject-poison on the type-3 device, by DPA
  kCxlDebugfs,   // guest debugfs cxl/memN/inject_poison, by DPA
};

// memory_failure() flags (include/linux/mm.h).
inline constexpr int kMfActionRequired = 1 << 1;
inline constexpr int kMfCountIncreased = 1 << 0;
inline constexpr int kMfMustKill = 1 << 2;
inline constexpr int kMfSwSimulated = 1 << 5;

struct PathTraits {
  PoisonPath path;
  const char* name;
  // The flags memory_failure() is entered with; empty when the path never calls it
  // (CXL device poison only lands in the device's poison list).
  std::optional<int> mf_flags;
  bool host_side = false;        // injected through QMP, not by the guest agent
  bool device_poison = false;    // addressed by DPA, observed through the device poison list
  bool needs_mapping = false;    // acts on a user mapping (madvise)
  // memory_failure() runs in a task that shares the mapper's mm: the agent itself
  // (madvise, debugfs/sysfs writes) or its pinned spinner thread (MCE AR, task_work).
  bool runs_in_mapper = false;
};

const PathTraits& traits(PoisonPath p);
const char* to_string(PoisonPath p);
const std::vector<PoisonPath>& all_poison_paths();
// Throws InputError naming `where` for an unknown name.
PoisonPath poison_path_from(const std::string& s, const std::string& where);
// "all" or a comma-separated list (the --inject flag).
std::vector<PoisonPath> poison_paths_from_list(const std::string& list, const std::string& where);

}  // namespace cxlrig
