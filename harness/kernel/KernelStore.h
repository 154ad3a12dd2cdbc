// Packaged Debian kernels: fetched with `apt-get download` through the rig's own apt
// configuration under the cache dir (the system's apt sources are never touched),
// verified against the lock (or the archive index when the locked version is gone),
// unpacked with dpkg-deb -x, and cached. Never installed on the host.
#pragma once
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "KernelLock.h"

namespace cxlrig {

struct KernelImage {
  std::string source;   // "packaged" or "user"
  std::string series;   // "7.3" (packaged)
  std::string abi;      // "7.3.4+deb13-amd64"
  std::string version;  // Debian package version
  std::string vmlinuz;
  std::string modules_dir;  // may be empty: everything built in
  nlohmann::json substituted;  // null, or {locked, used, reason}
  nlohmann::json to_json() const;
};

std::string default_cache_dir();  // $CXLRIG_CACHE or ~/.cache/cxlrig

class KernelStore {
 public:
  KernelStore(std::string cache_dir, KernelLock lock, std::ostream& notes);
  // The locked kernel of a series, or, if the mirror dropped it and !locked_only, the newest
  // of the same series (said on `notes` and recorded in `substituted`).
  KernelImage packaged(const std::string& series, bool locked_only);
  // One packaged kernel by ABI ("7.2.6+deb13-amd64") or upstream version ("7.2.6"), from
  // every kernel on the mirror's suites; InputError naming `flag` when there is none.
  KernelImage packaged_abi(const std::string& abi_or_version, const std::string& flag);
  KernelPackageSet find_abi(const std::string& abi_or_version, const std::string& flag);  // not fetched
  // Every bootable amd64 kernel on the mirror's suites, oldest first.
  std::vector<KernelPackageSet> available();
  // The newest kernel of every locked series, for `cxlrig kernels update`.
  KernelLock newest_lock();
  // Debian's linux-source-SERIES (the newest on the mirror) unpacked into `into`: the path
  // of the source tree there. Fetched like the kernels, never installed.
  std::string source_tree(const std::string& series, const std::string& into);
  // A kernel the user built: checked for existence, exit 2 when a path is wrong.
  static KernelImage user(const std::string& image, const std::string& modules_dir);

 private:
  std::vector<std::string> apt_options() const;
  void apt_update();
  const std::vector<DebPackage>& index();
  std::string download(const DebPackage& p, const std::string& want_sha);
  KernelImage unpacked(const KernelPackageSet& k, const std::vector<std::string>& want_shas);

  std::string cache_;
  KernelLock lock_;
  std::ostream& notes_;
  bool updated_ = false;
  std::optional<std::vector<DebPackage>> index_;
};

}  // namespace cxlrig
