// The environment `make` runs in for a kernel build, as `env` arguments (NAME=value):
// - ccache in depend mode, its cache under the rig's, when the caller passes a directory
//   whose `gcc` is ccache (put first on PATH). Through PATH, not CC=ccache gcc: kbuild's
//   command lines, and so whether an object is up to date (if_changed), are the same with
//   ccache and without, and the caller can choose per build (KernelBuild.cpp);
// - fixed KBUILD_BUILD_{TIMESTAMP,USER,HOST}, so a rebuilt file gives the same object and
//   ccache hits survive from build to build;
// - transparent huge pages for the compilers' heaps: LD_PRELOAD of cxlrig-thp-preload.so
//   (ThpPreload.c says why and what it saved) and glibc's glibc.malloc.hugetlb=1 tunable.
//   A user's own LD_PRELOAD and GLIBC_TUNABLES are kept, after and before ours;
// - mimalloc (Debian's libmimalloc2.0) as every process's malloc, preloaded after the
//   huge-page library (whose mmap() then advises mimalloc's segments too). cc1 spends ~5%
//   of its time in glibc's _int_malloc/_int_free/malloc_consolidate (perf, kernel/fork.c).
//   With mimalloc a kernel object's compile and objtool pass took 1.4-6.2% less CPU (three
//   A/Bs in turns) with byte-identical objects, and four pairs of whole cold makes 2.4% less
//   CPU and 3.0% less wall (README). Each small process (rm, sh, fixdep) starts ~0.8 ms
//   slower, which the whole-make figure includes;
// - KCFLAGS=-ftrack-macro-expansion=0 (a user's own KCFLAGS after it, so theirs win): GCC
//   then keeps no virtual location for every token a macro expansion produces, which
//   only a diagnostic's "in expansion of macro" notes use. The kernel is macro-heavy: the
//   compiles take about 10% less CPU (bench/cflags_bench) and give byte-identical objects;
// - and -Wno-misleading-indentation, unless the config has CONFIG_WERROR (then a warning
//   decides whether the build succeeds, so none is turned off). -Wall turns that warning on,
//   and GCC then checks the indentation around every if/else/for/while body, a diagnostic
//   that changes no object. It took 4-5% of three heavy compiles' CPU (kernel/fork.c,
//   mm/memory.c, drivers/cxl/core/region.c, five A/Bs each in turns); no other -Wall or
//   -Wextra warning the kernel leaves on took more than 2% (README). kbuild's -Werror=
//   warnings are not touched.
// Pure: the caller passes what it read from its own environment.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

// The compile flag the rig adds to every kernel build (KCFLAGS).
inline constexpr const char* kMacroTrackingOff = "-ftrack-macro-expansion=0";
// The warning it turns off where warnings cannot fail the build.
inline constexpr const char* kIndentationWarningOff = "-Wno-misleading-indentation";

struct BuildEnvironmentInputs {
  std::string ccache_dir;
  std::string thp_preload;                   // the library's path; empty: none
  std::optional<std::string> ld_preload;     // the rig's own $LD_PRELOAD
  std::optional<std::string> glibc_tunables;  // the rig's own $GLIBC_TUNABLES
  std::optional<std::string> kcflags;         // the rig's own $KCFLAGS
  bool huge_pages = true;                     // false: neither the preload nor the tunable (a bench's baseline)
  std::string ccache_bin_dir;                 // holds `gcc` -> ccache; empty: plain gcc
  std::optional<std::string> path;            // the rig's own $PATH
  std::string allocator;                      // libmimalloc's path; empty: glibc's malloc
  bool warnings_fail_build = false;           // CONFIG_WERROR=y: no warning is turned off
};

std::vector<std::string> kernel_build_environment(const BuildEnvironmentInputs& in);

// The inputs from this process's environment, with the preload built beside the rig and
// the mimalloc CMake found (each empty when it is missing: the build runs without it).
BuildEnvironmentInputs build_environment_inputs(const std::string& ccache_dir);

}  // namespace cxlrig
