#include "KernelLock.h"

#include <fstream>
#include <set>

#include "InputError.h"
#include "JsonFile.h"

namespace cxlrig {

std::vector<std::string> KernelLock::suites() const {
  std::set<std::string> s;
  for (auto& [_, ls] : series) s.insert(ls.suite);
  return {s.begin(), s.end()};
}

const LockedSeries& KernelLock::at(const std::string& name) const {
  auto it = series.find(name);
  if (it == series.end()) {
    std::string known;
    for (auto& [k, _] : series) known += (known.empty() ? "" : ", ") + k;
    throw InputError("--kernel", "unknown kernel series \"" + name + "\"",
                     "use one of: " + known + ", or --kernel-image PATH for your own build");
  }
  return it->second;
}

KernelLock parse_kernel_lock(const nlohmann::json& j, const std::string& w) {
  KernelLock lock;
  try {
    lock.default_series = j.at("default").get<std::string>();
    lock.mirror = j.value("mirror", lock.mirror);
    for (auto& [name, s] : j.at("series").items()) {
      LockedSeries ls;
      ls.suite = s.at("suite").get<std::string>();
      ls.kernel.series = name;
      ls.kernel.abi = s.at("abi").get<std::string>();
      for (auto& p : s.at("packages"))
        ls.kernel.packages.push_back({p.at("name").get<std::string>(), p.at("version").get<std::string>(),
                                      p.value("filename", ""), p.at("sha256").get<std::string>(), p.value("size", 0ull)});
      if (ls.kernel.packages.empty()) throw InputError(w + ".series." + name + ".packages", "empty");
      lock.series[name] = ls;
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(w, std::string("malformed kernel lock: ") + e.what(), "run `cxlrig kernels update`");
  }
  if (!lock.series.count(lock.default_series))
    throw InputError(w + ".default", "names a series that is not locked");
  return lock;
}

nlohmann::json to_json(const KernelLock& lock) {
  nlohmann::json series = nlohmann::json::object();
  for (auto& [name, ls] : lock.series) {
    nlohmann::json pk = nlohmann::json::array();
    for (auto& p : ls.kernel.packages)
      pk.push_back({{"name", p.name}, {"version", p.version}, {"filename", p.filename}, {"size", p.size}, {"sha256", p.sha256}});
    series[name] = {{"suite", ls.suite}, {"abi", ls.kernel.abi}, {"packages", pk}};
  }
  return {{"schema", "cxlrig.kernels/1"}, {"default", lock.default_series}, {"mirror", lock.mirror}, {"series", series}};
}

KernelLock load_kernel_lock(const std::string& path) {
  return parse_kernel_lock(read_json_file(path, "kernel lock file", "restore images/kernels.lock.json from git"), path);
}

}  // namespace cxlrig
