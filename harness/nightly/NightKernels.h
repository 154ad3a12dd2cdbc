// The night's kernels, fetched or built once before any cell runs and shared by every cell
// that names them: a packaged kernel is fetched into the cache (its cells then find it
// there), a tree or Debian's linux-source is built once (cxlrig kernel build) and its cells
// boot the result. A kernel that cannot be had makes its cells infrastructure, not the night.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "Matrix.h"
#include "NightRecord.h"

namespace cxlrig {

struct NightKernel {
  KernelIdentity id;
  std::vector<std::string> run_args;   // the kernel flags of its `cxlrig run` cells
  std::vector<std::string> race_args;  // of its race cells: the tree, so a race adds its window patches
  std::string error;                   // why the kernel could not be had; its cells are infra
  std::string build_log;
  double seconds = 0;
};

struct NightKernelOptions {
  std::string cache_dir, data_dir;
  unsigned jobs = 0;  // make -j
};

// Throws InputError for what the matrix got wrong; anything else lands in `error`.
NightKernel prepare_night_kernel(const MatrixKernel& k, const NightKernelOptions& o, std::ostream& notes);

}  // namespace cxlrig
