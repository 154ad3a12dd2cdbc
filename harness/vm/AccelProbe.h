// KVM or TCG. /dev/kvm can exist and still hang a nested guest in the decompressor, so the
// probe boots the real kernel under KVM with a short time limit; the answer is cached per
// host boot.
#pragma once
#include <string>

#include "QemuCommand.h"

namespace cxlrig {

struct AccelChoice {
  Accel accel = Accel::kTcg;
  std::string why;
};

// mode: "auto", "kvm" or "tcg".
AccelChoice choose_accel(const std::string& mode, const std::string& qemu, const std::string& kernel,
                         const std::string& cache_dir);

}  // namespace cxlrig
