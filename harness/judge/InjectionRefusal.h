// An injection the kernel refused before memory_failure() ran (the syscall is not built in,
// the operation is not supported, lockdown said no) tests nothing: it is a SKIP carrying
// its errno, never a check failure ("no SIGBUS delivered" on a kernel without madvise).
#pragma once
#include <optional>
#include <string>

#include "PoisonPath.h"

namespace cxlrig {

// The SKIP reason, e.g. "madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS", or
// nothing when `err` is not a refusal (0, or an errno a rule expects, like corrupt-pfn's
// ENXIO for a pfn without a struct page).
std::optional<std::string> refused_before_memory_failure(PoisonPath path, int err);

}  // namespace cxlrig
