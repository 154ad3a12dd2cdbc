// Debian archive index (the Packages files apt keeps) and picking a kernel series from it.
// Pure: the caller hands in the text.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

struct DebPackage {
  std::string name;
  std::string version;
  std::string filename;
  std::string sha256;
  uint64_t size = 0;
};

std::vector<DebPackage> parse_packages_index(const std::string& text);
// dpkg's version ordering (epoch, upstream, revision; '~' sorts before everything).
int compare_deb_versions(const std::string& a, const std::string& b);

// The packages that make one packaged kernel: 7.x ships linux-binary-ABI + linux-modules-ABI,
// 6.12 one linux-image-ABI with modules inside.
struct KernelPackageSet {
  std::string series;  // "7.3"
  std::string abi;     // "7.3.4+deb13-amd64"
  std::vector<DebPackage> packages;
};

// The newest kernel of a series ("7.3", "6.12") in the index, or nothing.
std::optional<KernelPackageSet> newest_in_series(const std::vector<DebPackage>& index, const std::string& series);
// Every bootable amd64 kernel in the index (generic flavour, not cloud/rt), oldest first.
std::vector<KernelPackageSet> all_kernels(const std::vector<DebPackage>& index);
// Every ABI of the series in the index, oldest first.
std::vector<KernelPackageSet> all_in_series(const std::vector<DebPackage>& index, const std::string& series);

}  // namespace cxlrig
