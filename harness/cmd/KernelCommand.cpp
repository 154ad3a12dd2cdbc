#include "KernelCommand.h"

#include <iostream>

#include "Interrupt.h"
#include "KernelStore.h"
#include "RunCommand.h"

namespace cxlrig {

int kernel_build_command(KernelBuildOptions o) {
  install_interrupt_handlers();  // SIGINT stops make's whole group, then exits 130
  if (o.cache_dir.empty()) o.cache_dir = default_cache_dir();
  o.data_dir = data_dir();
  try {
    BuiltKernel k = build_kernel(o, std::cerr);
    std::cout << k.to_json().dump(2) << "\n";
    std::cout << "run it: cxlrig run --kernel-image " << k.image
              << (k.modules_dir.empty() ? "" : " --modules " + k.modules_dir) << "\n";
    return kExitPass;
  } catch (const KernelBuildError& e) {
    std::cerr << "cxlrig: " << e.what();
    return kExitInfra;
  }
}

int kernel_source_command(const std::string& series, const std::string& into, std::string cache_dir) {
  if (cache_dir.empty()) cache_dir = default_cache_dir();
  KernelStore store(cache_dir, load_kernel_lock(data_dir() + "/images/kernels.lock.json"), std::cerr);
  std::cout << store.source_tree(series, into) << "\n";
  return kExitPass;
}

}  // namespace cxlrig
