#include "InjectionRefusal.h"

#include <cerrno>
#include <cstring>

namespace cxlrig {

std::optional<std::string> refused_before_memory_failure(PoisonPath path, int err) {
  std::string why;
  switch (err) {
    case ENOSYS:
      // kernel/sys_ni.c: a syscall whose config option is off answers ENOSYS.
      why = path == PoisonPath::kMadvise ? "the kernel lacks CONFIG_ADVISE_SYSCALLS"
                                         : "the kernel does not implement this injection";
      break;
    case EOPNOTSUPP: why = "the kernel does not support this injection"; break;
    case EPERM: why = "refused before memory_failure() (kernel lockdown, or the agent lacks CAP_SYS_ADMIN)"; break;
    default: return std::nullopt;
  }
  const char* name = strerrorname_np(err);
  return std::string(to_string(path)) + ": " + (name ? name : std::to_string(err)) + ": " + why;
}

}  // namespace cxlrig
