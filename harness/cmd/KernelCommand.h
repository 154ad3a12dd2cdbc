// `cxlrig kernel build`: build a tree with the rig's config and print what came out.
#pragma once
#include "KernelBuild.h"

namespace cxlrig {

int kernel_build_command(KernelBuildOptions o);
// Debian's linux-source-SERIES unpacked into `into`; prints the tree's path.
int kernel_source_command(const std::string& series, const std::string& into, std::string cache_dir);

}  // namespace cxlrig
