// The guest's initramfs: busybox-static, the agent, /init and the kernel's modules, as a
// newc cpio. Cached by a hash of every input, rebuilt only when one changes.
#pragma once
#include <string>
#include <vector>

#include "ModuleSet.h"

namespace cxlrig {

struct InitramfsInputs {
  std::string busybox;  // path to a static busybox
  std::string agent;    // path to the static cxlrig-agent
  std::vector<GuestModule> early;    // loaded by /init before the agent (virtio transport)
  std::vector<GuestModule> modules;  // loaded by the agent on request, in this order
};

struct InitramfsImage {
  std::string path;
  std::string hash;
  bool rebuilt = false;
};

std::string init_script(const std::vector<GuestModule>& early);
InitramfsImage build_initramfs(const InitramfsInputs& in, const std::string& cache_dir);

}  // namespace cxlrig
