#include "DebIndex.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <sstream>

namespace cxlrig {

std::vector<DebPackage> parse_packages_index(const std::string& text) {
  std::vector<DebPackage> out;
  DebPackage cur;
  auto flush = [&] {
    if (!cur.name.empty()) out.push_back(cur);
    cur = {};
  };
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;  // continuation of a multi-line field
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string val = line.substr(colon + 1);
    val.erase(0, val.find_first_not_of(' '));
    if (key == "Package") cur.name = val;
    else if (key == "Version") cur.version = val;
    else if (key == "Filename") cur.filename = val;
    else if (key == "SHA256") cur.sha256 = val;
    else if (key == "Size") cur.size = std::stoull(val);
  }
  flush();
  return out;
}

namespace {
int order(char c) {
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  if (c == '~') return -1;
  if (c) return c + 256;
  return 0;
}

// dpkg's verrevcmp.
int verrevcmp(const char* a, const char* b) {
  while (*a || *b) {
    int first_diff = 0;
    while ((*a && !std::isdigit(static_cast<unsigned char>(*a))) || (*b && !std::isdigit(static_cast<unsigned char>(*b)))) {
      int ac = order(*a), bc = order(*b);
      if (ac != bc) return ac - bc;
      ++a;
      ++b;
    }
    while (*a == '0') ++a;
    while (*b == '0') ++b;
    while (std::isdigit(static_cast<unsigned char>(*a)) && std::isdigit(static_cast<unsigned char>(*b))) {
      if (!first_diff) first_diff = *a - *b;
      ++a;
      ++b;
    }
    if (std::isdigit(static_cast<unsigned char>(*a))) return 1;
    if (std::isdigit(static_cast<unsigned char>(*b))) return -1;
    if (first_diff) return first_diff;
  }
  return 0;
}

struct Split {
  long epoch = 0;
  std::string upstream, revision;
};
Split split(const std::string& v) {
  Split s;
  std::string rest = v;
  auto colon = rest.find(':');
  if (colon != std::string::npos) {
    s.epoch = std::stol(rest.substr(0, colon));
    rest = rest.substr(colon + 1);
  }
  auto dash = rest.rfind('-');
  if (dash != std::string::npos) {
    s.revision = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
  }
  s.upstream = rest;
  return s;
}
}  // namespace

int compare_deb_versions(const std::string& a, const std::string& b) {
  Split x = split(a), y = split(b);
  if (x.epoch != y.epoch) return x.epoch < y.epoch ? -1 : 1;
  int c = verrevcmp(x.upstream.c_str(), y.upstream.c_str());
  if (c) return c < 0 ? -1 : 1;
  c = verrevcmp(x.revision.c_str(), y.revision.c_str());
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::vector<KernelPackageSet> all_kernels(const std::vector<DebPackage>& index) {
  // linux-{binary,modules,image}-<series>.<patch>[-rcN]+debNN-amd64[-unsigned]
  static const std::regex re(R"(^linux-(binary|modules|image)-((\d+\.\d+)(\.\d+)?(-rc\d+)?\+deb\d+-amd64)(-unsigned)?$)");
  struct Parts {
    std::string series;
    std::optional<DebPackage> binary, modules, image, image_unsigned;
  };
  std::map<std::string, Parts> by_abi;
  auto newer = [](std::optional<DebPackage>& slot, const DebPackage& p) {
    if (!slot || compare_deb_versions(slot->version, p.version) < 0) slot = p;
  };
  for (auto& p : index) {
    std::smatch m;
    if (!std::regex_match(p.name, m, re)) continue;
    auto& parts = by_abi[m[2].str()];
    parts.series = m[3].str();
    if (m[1] == "binary") newer(parts.binary, p);
    else if (m[1] == "modules") newer(parts.modules, p);
    else if (m[6].matched) newer(parts.image_unsigned, p);
    else newer(parts.image, p);
  }
  std::vector<KernelPackageSet> out;
  for (auto& [abi, parts] : by_abi) {
    KernelPackageSet k{parts.series, abi, {}};
    if (parts.binary && parts.modules) k.packages = {*parts.binary, *parts.modules};
    else if (parts.image_unsigned) k.packages = {*parts.image_unsigned};
    // 6.12: one image with the modules inside. From 7.0 linux-image is a 2 kB meta package
    // depending on linux-binary + linux-modules: not bootable alone, and the index may keep it
    // (and the binary) after dropping an old ABI's modules.
    else if (parts.image && !parts.binary && !parts.modules) k.packages = {*parts.image};
    else continue;
    out.push_back(k);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return compare_deb_versions(a.packages[0].version, b.packages[0].version) < 0;
  });
  return out;
}

std::vector<KernelPackageSet> all_in_series(const std::vector<DebPackage>& index, const std::string& series) {
  auto all = all_kernels(index);
  std::erase_if(all, [&](const KernelPackageSet& k) { return k.series != series; });
  return all;
}

std::optional<KernelPackageSet> newest_in_series(const std::vector<DebPackage>& index, const std::string& series) {
  auto all = all_in_series(index, series);
  if (all.empty()) return std::nullopt;
  return all.back();
}

}  // namespace cxlrig
