// The ways poison reaches a kernel (their names are the protocol's, AgentProtocol.h), and
// what each does on the way: whether it calls memory_failure() and with which flags, in
// which task, and which capabilities the kernel needs for it. The oracle's expectations
// follow from these facts (ExpectedObservations), so they are written down once, here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "AgentProtocol.h"

namespace cxlrig {

using PoisonPath = proto::PoisonPath;

// memory_failure() flags (include/linux/mm.h).
inline constexpr int kMfActionRequired = 1 << 1;
inline constexpr int kMfCountIncreased = 1 << 0;
inline constexpr int kMfMustKill = 1 << 2;
inline constexpr int kMfSwSimulated = 1 << 5;
// kill_dax() tells a holder its whole device is going (offset 0, len U64_MAX).
inline constexpr int kMfMemPreRemove = 1 << 7;

struct PathTraits {
  PoisonPath path;
  // The flags memory_failure() is entered with; empty when the path never calls it
  // (CXL device poison only lands in the device's poison list).
  std::optional<int> mf_flags;
  bool host_side = false;        // injected through QMP, not by the guest agent
  bool device_poison = false;    // addressed by DPA, observed through the device poison list
  bool needs_mapping = false;    // acts on a user mapping (madvise)
  // memory_failure() runs in a task that shares the mapper's mm: the agent itself
  // (madvise, debugfs/sysfs writes) or its pinned spinner thread (MCE AR, task_work).
  bool runs_in_mapper = false;
  // Capability keys (proto::kCapabilities) the kernel must offer; the first one missing
  // names the SKIP reason.
  std::vector<std::string> requires_;
};

const PathTraits& traits(PoisonPath p);
const char* to_string(PoisonPath p);
const std::vector<PoisonPath>& all_poison_paths();
// Throws InputError naming `where` for an unknown name.
PoisonPath poison_path_from(const std::string& s, const std::string& where);
// "all" or a comma-separated list (the --inject flag).
std::vector<PoisonPath> poison_paths_from_list(const std::string& list, const std::string& where);

}  // namespace cxlrig
