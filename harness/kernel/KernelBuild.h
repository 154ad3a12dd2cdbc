// `cxlrig kernel build`: a kernel tree built out of tree with the rig's config fragments
// (images/kconfig/), incrementally. What it delivers to boot is vmlinux itself where the
// config has CONFIG_PVH (QEMU enters it through PVH, BootEntry.h), so neither the build nor
// a run spends time on the bzImage's setup code, compression and decompressor; the
// bzImage is built when the config cannot be entered that way, or when asked for. One
// object dir per (tree, config, patches) is reused across commits, so a bisect step
// recompiles only what changed (with ccache after the first build); finished kernels are kept per
// (commit, config, patches) and reused as they are. Patches (a race scenario's window, a
// candidate fix) are applied to a hard-linked copy of the tree, never to the tree itself.
// With CONFIG_MODULES the rig's own test modules (guest-tests/modules/*, make M=) are built
// against the same tree and config and installed beside the kernel's.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "InputError.h"
#include "KconfigCheck.h"

namespace cxlrig {

struct KernelBuildOptions {
  std::string tree;
  std::string variant = "base";          // base, debug, kasan, kcsan (images/kconfig/<variant>.config)
  std::vector<std::string> fragments;    // more config fragments, applied after the variant's
  std::vector<std::string> patches;      // applied (patch -p1) to a copy of the tree
  unsigned jobs = 0;                     // 0: one per core
  std::string cache_dir;
  std::string data_dir;
  bool rebuild = false;                  // make again even when this commit and config were built
  // Build from the shared patched copy even with no patches, so that going from a race's
  // window build to the same kernel without it (--no-window) is incremental, not cold.
  bool via_copy = false;
  bool bzimage = false;                  // also build arch/x86/boot/bzImage, and boot that (--boot bzimage)
};

struct BuiltKernel {
  std::string image;        // what QEMU boots: vmlinux (PVH), or the bzImage (no CONFIG_PVH, or asked for)
  std::string modules_dir;  // empty: everything built in
  std::string commit;       // HEAD, "-dirty-<hash>" when the tree has changes, or "" (not git)
  std::string config_hash;
  std::string result_dir;
  std::string build_log;
  std::string release;      // kernel.release
  bool reused = false;      // this commit and config were built before
  double seconds = 0;
  size_t objects = 0;       // C and assembler objects compiled by this build
  std::vector<std::string> patches;      // applied, by file name
  std::vector<std::string> rig_modules;  // guest-tests/modules built for this kernel
  std::vector<KconfigVerdict> kconfig;
  nlohmann::json to_json() const;
};

// The build (or its configuration) failed: infrastructure for a run (exit 125), a SKIP
// step for bisect. what() carries the first error lines of the log.
class KernelBuildError : public InfraError {
 public:
  KernelBuildError(const std::string& what, std::string log) : InfraError(what), log_(std::move(log)) {}
  const std::string& log() const { return log_; }
 private:
  std::string log_;
};

// The first compiler/make error lines of a build log (at most `max`), else its last lines.
std::string first_build_errors(const std::string& log_text, size_t max = 12);

BuiltKernel build_kernel(const KernelBuildOptions& o, std::ostream& progress);

}  // namespace cxlrig
