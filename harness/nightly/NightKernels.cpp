#include "NightKernels.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "Interrupt.h"
#include "KernelBuild.h"
#include "KernelLock.h"
#include "KernelStore.h"

namespace cxlrig {

namespace fs = std::filesystem;

namespace {

// Debian's linux-source-SERIES, unpacked once into the cache and kept: unpacking it again
// every night would touch every file and turn each night's build into a cold one.
std::string unpacked_source(KernelStore& store, const std::string& series, const std::string& cache, std::ostream& notes) {
  const std::string into = cache + "/sources/tree-" + series;
  const std::string tree = into + "/linux-source-" + series;
  if (fs::exists(into + "/.complete") && fs::exists(tree + "/Makefile")) {
    notes << "kernel source: reusing " << tree << " (delete " << into << " to take a newer linux-source)\n";
    return tree;
  }
  std::error_code ec;
  fs::remove_all(into, ec);
  const std::string got = store.source_tree(series, into);
  std::ofstream(into + "/.complete") << series << "\n";
  return got;
}

}  // namespace

NightKernel prepare_night_kernel(const MatrixKernel& k, const NightKernelOptions& o, std::ostream& notes) {
  NightKernel nk;
  nk.id.name = k.name;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    if (!k.image.empty()) {
      nk.id.source = "user";
      nk.id.abi = fs::path(k.image).filename().string();
      nk.run_args = {"--kernel-image", k.image};
      if (!k.modules.empty()) nk.run_args.insert(nk.run_args.end(), {"--modules", k.modules});
      nk.race_args = nk.run_args;
    } else {
      KernelLock lock = load_kernel_lock(o.data_dir + "/images/kernels.lock.json");
      KernelStore store(o.cache_dir, lock, notes);
      if (!k.packaged.empty()) {
        const KernelImage img = lock.series.count(k.packaged) ? store.packaged(k.packaged, false)
                                                              : store.packaged_abi(k.packaged, k.name + ".packaged");
        nk.id.source = "packaged";
        nk.id.abi = img.abi;
        nk.id.version = img.version;
        nk.run_args = nk.race_args = {"--kernel", k.packaged};
      } else {
        const std::string tree = !k.tree.empty() ? k.tree : unpacked_source(store, k.source, o.cache_dir, notes);
        // Through the shared patched copy even without patches: tonight's kernel with a
        // patch and last night's without are then one incremental build apart.
        const BuiltKernel b = build_kernel({tree, k.variant, k.configs, k.patches, o.jobs, o.cache_dir, o.data_dir,
                                            false, true},
                                           notes);
        nk.id.source = "built";
        nk.id.abi = b.release;
        nk.id.commit = b.commit;
        nk.id.config_hash = b.config_hash;
        nk.id.patches = b.patches;
        nk.build_log = b.build_log;
        nk.run_args = {"--kernel-image", b.image};
        if (!b.modules_dir.empty()) nk.run_args.insert(nk.run_args.end(), {"--modules", b.modules_dir});
        nk.race_args = {"--kernel-tree", tree, "--variant", k.variant};
        for (auto& p : k.patches) nk.race_args.insert(nk.race_args.end(), {"--patch", p});
        for (auto& c : k.configs) nk.race_args.insert(nk.race_args.end(), {"--config", c});
      }
    }
  } catch (const KernelBuildError& e) {
    nk.error = std::string("kernel build failed: ") + e.what();
  } catch (const InputError&) {
    throw;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    nk.error = e.what();
  }
  nk.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return nk;
}

}  // namespace cxlrig
