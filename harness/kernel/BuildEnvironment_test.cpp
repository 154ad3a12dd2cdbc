#include "BuildEnvironment.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace cxlrig;

namespace {
std::string value_of(const std::vector<std::string>& env, const std::string& name) {
  for (auto& e : env)
    if (e.rfind(name + "=", 0) == 0) return e.substr(name.size() + 1);
  return "<unset>";
}
}  // namespace

TEST(BuildEnvironment, CcacheAndFixedBuildIdentity) {
  auto env = kernel_build_environment({"/c/ccache", "", std::nullopt, std::nullopt});
  EXPECT_EQ(value_of(env, "CCACHE_DIR"), "/c/ccache");
  EXPECT_EQ(value_of(env, "CCACHE_DEPEND"), "1");
  EXPECT_EQ(value_of(env, "KBUILD_BUILD_TIMESTAMP"), "2000-01-01");
  EXPECT_EQ(value_of(env, "KBUILD_BUILD_HOST"), "cxlrig");
}

TEST(BuildEnvironment, HugePagesForTheCompilersHeaps) {
  auto env = kernel_build_environment({"/c", "/rig/cxlrig-thp-preload.so", std::nullopt, std::nullopt});
  EXPECT_EQ(value_of(env, "LD_PRELOAD"), "/rig/cxlrig-thp-preload.so");
  EXPECT_EQ(value_of(env, "GLIBC_TUNABLES"), "glibc.malloc.hugetlb=1");
}

TEST(BuildEnvironment, KeepsTheUsersPreloadAndTunables) {
  auto env = kernel_build_environment({"/c", "/rig/p.so", std::string("/usr/lib/libfoo.so"), std::string("glibc.malloc.check=3")});
  EXPECT_EQ(value_of(env, "LD_PRELOAD"), "/rig/p.so:/usr/lib/libfoo.so");
  // The last setting of a tunable wins, so ours goes after the user's.
  EXPECT_EQ(value_of(env, "GLIBC_TUNABLES"), "glibc.malloc.check=3:glibc.malloc.hugetlb=1");
}

TEST(BuildEnvironment, NoPreloadWhenTheLibraryIsMissing) {
  auto env = kernel_build_environment({"/c", "", std::string("/usr/lib/libfoo.so"), std::string("")});
  EXPECT_EQ(value_of(env, "LD_PRELOAD"), "<unset>") << "the user's own LD_PRELOAD is inherited as it is";
  EXPECT_EQ(value_of(env, "GLIBC_TUNABLES"), "glibc.malloc.hugetlb=1");
}

TEST(BuildEnvironment, WithoutHugePagesNeitherPreloadNorTunable) {
  BuildEnvironmentInputs in{"/c", "/rig/p.so", std::string("/usr/lib/libfoo.so"), std::string("glibc.malloc.check=3")};
  in.huge_pages = false;
  auto env = kernel_build_environment(in);
  EXPECT_EQ(value_of(env, "LD_PRELOAD"), "<unset>") << "the user's own is inherited as it is";
  EXPECT_EQ(value_of(env, "GLIBC_TUNABLES"), "<unset>");
  EXPECT_EQ(value_of(env, "CCACHE_DIR"), "/c");
}

TEST(BuildEnvironment, MacroTrackingOffAndTheUsersKcflagsAfterIt) {
  EXPECT_EQ(value_of(kernel_build_environment({"/c", "", std::nullopt, std::nullopt}), "KCFLAGS"),
            "-ftrack-macro-expansion=0 -Wno-misleading-indentation");
  BuildEnvironmentInputs in{"/c", "", std::nullopt, std::nullopt, std::string("-ftrack-macro-expansion=2 -Wmisleading-indentation")};
  EXPECT_EQ(value_of(kernel_build_environment(in), "KCFLAGS"),
            "-ftrack-macro-expansion=0 -Wno-misleading-indentation -ftrack-macro-expansion=2 -Wmisleading-indentation")
      << "GCC takes the last one: the user's own wins";
  in.huge_pages = false;
  EXPECT_EQ(value_of(kernel_build_environment(in), "KCFLAGS"),
            "-ftrack-macro-expansion=0 -Wno-misleading-indentation -ftrack-macro-expansion=2 -Wmisleading-indentation")
      << "the flags are part of the command line, not of the huge-page choice";
}

TEST(BuildEnvironment, NoWarningTurnedOffWhereWarningsFailTheBuild) {
  BuildEnvironmentInputs in{"/c", "", std::nullopt, std::nullopt};
  in.warnings_fail_build = true;  // CONFIG_WERROR=y
  EXPECT_EQ(value_of(kernel_build_environment(in), "KCFLAGS"), "-ftrack-macro-expansion=0");
}

TEST(BuildEnvironment, CcacheThroughPathOnlyWhenAsked) {
  BuildEnvironmentInputs in{"/c", "", std::nullopt, std::nullopt};
  in.path = "/usr/local/bin:/usr/bin:/bin";
  EXPECT_EQ(value_of(kernel_build_environment(in), "PATH"), "<unset>") << "plain gcc: the rig's PATH is inherited";
  in.ccache_bin_dir = "/c/ccache-bin";
  EXPECT_EQ(value_of(kernel_build_environment(in), "PATH"), "/c/ccache-bin:/usr/local/bin:/usr/bin:/bin");
  in.path = std::nullopt;
  EXPECT_EQ(value_of(kernel_build_environment(in), "PATH"), "/c/ccache-bin:/usr/bin:/bin");
  EXPECT_EQ(value_of(kernel_build_environment(in), "CCACHE_DIR"), "/c");
}

TEST(BuildEnvironment, MimallocAfterTheHugePagePreloadAndBeforeTheUsers) {
  BuildEnvironmentInputs in{"/c", "/rig/p.so", std::string("/usr/lib/libfoo.so"), std::nullopt};
  in.allocator = "/usr/lib/libmimalloc.so.2";
  // The huge-page library's mmap() comes first in lookup order, so it sees mimalloc's too.
  EXPECT_EQ(value_of(kernel_build_environment(in), "LD_PRELOAD"), "/rig/p.so:/usr/lib/libmimalloc.so.2:/usr/lib/libfoo.so");
  in.huge_pages = false;
  auto env = kernel_build_environment(in);
  EXPECT_EQ(value_of(env, "LD_PRELOAD"), "/usr/lib/libmimalloc.so.2:/usr/lib/libfoo.so")
      << "the allocator is its own choice, not part of the huge-page one";
  EXPECT_EQ(value_of(env, "GLIBC_TUNABLES"), "<unset>");
  in.thp_preload.clear();
  in.huge_pages = true;
  in.ld_preload = std::nullopt;
  EXPECT_EQ(value_of(kernel_build_environment(in), "LD_PRELOAD"), "/usr/lib/libmimalloc.so.2");
  in.allocator.clear();
  EXPECT_EQ(value_of(kernel_build_environment(in), "LD_PRELOAD"), "<unset>");
}
