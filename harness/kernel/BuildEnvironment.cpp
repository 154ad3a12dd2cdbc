#include "BuildEnvironment.h"

#include <cstdlib>
#include <filesystem>

namespace cxlrig {

std::vector<std::string> kernel_build_environment(const BuildEnvironmentInputs& in) {
  // CCACHE_DEPEND: ccache hashes the compiler's own -MD output instead of running the
  // preprocessor a second time. A miss still costs 7-9% more than plain gcc, which is why
  // a first build runs without ccache (KernelBuild.cpp).
  std::vector<std::string> env = {"CCACHE_DIR=" + in.ccache_dir, "CCACHE_DEPEND=1", "KBUILD_BUILD_TIMESTAMP=2000-01-01",
                                  "KBUILD_BUILD_USER=cxlrig", "KBUILD_BUILD_HOST=cxlrig"};
  if (!in.ccache_bin_dir.empty()) {
    const std::string rest = in.path && !in.path->empty() ? *in.path : "/usr/bin:/bin";
    env.push_back("PATH=" + in.ccache_bin_dir + ":" + rest);
  }
  // Kbuild appends $(KCFLAGS) to KBUILD_CFLAGS (top Makefile), for modules built with M=
  // too; GCC takes the last of two -ftrack-macro-expansion, so a user's own goes after.
  const bool user_kcflags = in.kcflags && !in.kcflags->empty();
  std::string kcflags = kMacroTrackingOff;
  if (!in.warnings_fail_build) kcflags += std::string(" ") + kIndentationWarningOff;
  env.push_back("KCFLAGS=" + kcflags + (user_kcflags ? " " + *in.kcflags : ""));
  std::string preload;
  auto add_preload = [&](const std::string& lib) { preload += (preload.empty() ? "" : ":") + lib; };
  if (in.huge_pages && !in.thp_preload.empty()) add_preload(in.thp_preload);
  if (!in.allocator.empty()) add_preload(in.allocator);
  if (!preload.empty()) {
    if (in.ld_preload && !in.ld_preload->empty()) add_preload(*in.ld_preload);
    env.push_back("LD_PRELOAD=" + preload);
  }
  if (!in.huge_pages) return env;
  // Tunables are colon-separated and the last setting of one wins: ours goes last. With
  // mimalloc, glibc's malloc only serves a process that cannot take the preload.
  const bool other = in.glibc_tunables && !in.glibc_tunables->empty();
  env.push_back("GLIBC_TUNABLES=" + (other ? *in.glibc_tunables + ":" : std::string()) + "glibc.malloc.hugetlb=1");
  return env;
}

BuildEnvironmentInputs build_environment_inputs(const std::string& ccache_dir) {
  BuildEnvironmentInputs in;
  in.ccache_dir = ccache_dir;
  if (std::filesystem::exists(CXLRIG_THP_PRELOAD_PATH)) in.thp_preload = CXLRIG_THP_PRELOAD_PATH;
  if (const std::string mi = CXLRIG_MIMALLOC_PATH; !mi.empty() && std::filesystem::exists(mi)) in.allocator = mi;
  if (const char* v = std::getenv("LD_PRELOAD")) in.ld_preload = v;
  if (const char* v = std::getenv("GLIBC_TUNABLES")) in.glibc_tunables = v;
  if (const char* v = std::getenv("KCFLAGS")) in.kcflags = v;
  if (const char* v = std::getenv("PATH")) in.path = v;
  return in;
}

}  // namespace cxlrig
