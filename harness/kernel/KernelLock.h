// images/kernels.lock.json: the packaged kernels the rig is tested with, per series, with
// the SHA256 of every .deb.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "DebIndex.h"

namespace cxlrig {

struct LockedSeries {
  std::string suite;  // e.g. trixie-backports
  KernelPackageSet kernel;
};

struct KernelLock {
  std::string default_series;
  std::string mirror = "http://deb.debian.org/debian";
  std::map<std::string, LockedSeries> series;

  std::vector<std::string> suites() const;
  const LockedSeries& at(const std::string& series_name) const;  // InputError naming the choices
};

KernelLock parse_kernel_lock(const nlohmann::json& j, const std::string& origin);
nlohmann::json to_json(const KernelLock& lock);
KernelLock load_kernel_lock(const std::string& path);

}  // namespace cxlrig
