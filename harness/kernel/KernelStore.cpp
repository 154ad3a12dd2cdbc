#include "KernelStore.h"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "InputError.h"
#include "Sha256.h"
#include "Subprocess.h"

namespace fs = std::filesystem;

namespace cxlrig {

nlohmann::json KernelImage::to_json() const {
  return {{"source", source}, {"series", series}, {"abi", abi}, {"version", version},
          {"vmlinuz", vmlinuz}, {"modules_dir", modules_dir}, {"substituted", substituted}};
}

std::string default_cache_dir() {
  if (const char* c = getenv("CXLRIG_CACHE"); c && *c) return c;
  const char* home = getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.cache/cxlrig";
}

KernelStore::KernelStore(std::string cache_dir, KernelLock lock, std::ostream& notes)
    : cache_(std::move(cache_dir)), lock_(std::move(lock)), notes_(notes) {}

std::vector<std::string> KernelStore::apt_options() const {
  const std::string a = cache_ + "/apt";
  return {"-o", "Dir::Etc::SourceList=" + a + "/sources.sources", "-o", "Dir::Etc::SourceParts=/dev/null",
          "-o", "Dir::State::Lists=" + a + "/lists", "-o", "Dir::Cache=" + a + "/cache",
          "-o", "Dir::State::status=/dev/null", "-o", "APT::Architecture=amd64", "-o", "Debug::NoLocking=1"};
}

void KernelStore::apt_update() {
  if (updated_) return;
  const std::string a = cache_ + "/apt";
  fs::create_directories(a + "/lists/partial");
  fs::create_directories(a + "/cache/archives/partial");
  {
    // The same mirror and keyring as the system's bookworm entry: bookworm's keyring
    // verifies trixie-backports too.
    std::ofstream src(a + "/sources.sources");
    src << "Types: deb\nURIs: " << lock_.mirror << "\nSuites:";
    for (auto& s : lock_.suites()) src << ' ' << s;
    src << "\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";
  }
  std::vector<std::string> cmd{"apt-get"};
  auto o = apt_options();
  cmd.insert(cmd.end(), o.begin(), o.end());
  cmd.insert(cmd.end(), {"-q", "update"});
  auto r = run_command(cmd, std::chrono::seconds(300));
  if (r.exit_code != 0 || r.timed_out)
    throw InfraError("apt-get update (private config under " + a + ") failed:\n" + r.tail());
  updated_ = true;
  index_.reset();
}

const std::vector<DebPackage>& KernelStore::index() {
  if (!index_) {
    apt_update();
    std::vector<std::string> cmd{"apt-cache"};
    auto o = apt_options();
    cmd.insert(cmd.end(), o.begin(), o.end());
    cmd.push_back("dumpavail");
    auto r = run_command(cmd, std::chrono::seconds(120));
    if (r.exit_code != 0) throw InfraError("apt-cache dumpavail failed:\n" + r.tail());
    index_ = parse_packages_index(r.output);
  }
  return *index_;
}

std::string KernelStore::download(const DebPackage& p, const std::string& want_sha) {
  const std::string dir = cache_ + "/debs";
  fs::create_directories(dir);
  std::string file = dir + "/" + (p.filename.empty() ? p.name + "_" + p.version + "_amd64.deb"
                                                     : fs::path(p.filename).filename().string());
  if (fs::exists(file) && sha256_file(file) == want_sha) return file;
  fs::remove(file);
  // apt drops privileges to _apt for downloads: let it write here.
  if (auto* pw = getpwnam("_apt")) (void)!chown(dir.c_str(), pw->pw_uid, -1);
  std::vector<std::string> cmd{"apt-get"};
  auto o = apt_options();
  cmd.insert(cmd.end(), o.begin(), o.end());
  cmd.insert(cmd.end(), {"-q", "download", p.name + "=" + p.version});
  auto r = run_command(cmd, std::chrono::seconds(900), dir);
  if (r.exit_code != 0 || r.timed_out) throw InfraError("apt-get download " + p.name + "=" + p.version + " failed:\n" + r.tail());
  if (!fs::exists(file)) throw InfraError("apt-get download did not produce " + file);
  std::string got = sha256_file(file);
  if (got != want_sha) {
    fs::remove(file);
    throw InfraError("SHA256 mismatch for " + p.name + "=" + p.version + ": got " + got + ", want " + want_sha);
  }
  return file;
}

std::string KernelStore::source_tree(const std::string& series, const std::string& into) {
  const std::string name = "linux-source-" + series;
  const DebPackage* best = nullptr;
  for (auto& p : index())
    if (p.name == name && (!best || compare_deb_versions(p.version, best->version) > 0)) best = &p;
  if (!best) throw InputError("--series", "no " + name + " package on " + lock_.mirror, "pick a series the lock lists");
  const std::string deb = download(*best, best->sha256);
  const std::string unpack = cache_ + "/sources/" + name + "_" + best->version;
  const std::string tarball = unpack + "/usr/src/" + name + ".tar.xz";
  if (!fs::exists(tarball)) {
    fs::create_directories(unpack);
    auto r = run_command({"dpkg-deb", "-x", deb, unpack}, std::chrono::seconds(600));
    if (r.exit_code != 0) throw InfraError("dpkg-deb -x " + deb + " failed:\n" + r.tail());
  }
  fs::create_directories(into);
  auto r = run_command({"tar", "-xf", tarball, "-C", into}, std::chrono::seconds(1800));
  if (r.exit_code != 0) throw InfraError("unpacking " + tarball + " failed:\n" + r.tail());
  notes_ << "kernel source: " << name << " " << best->version << " in " << into << "/" << name << "\n";
  return into + "/" + name;
}

KernelImage KernelStore::unpacked(const KernelPackageSet& k, const std::vector<std::string>& shas) {
  const std::string dir = cache_ + "/kernels/" + k.abi + "_" + k.packages.front().version;
  KernelImage img{"packaged", k.series, k.abi, k.packages.front().version, "", "", nullptr};
  auto locate = [&](const std::string& root) {
    for (auto cand : {root + "/usr/lib/modules/" + k.abi + "/vmlinuz", root + "/boot/vmlinuz-" + k.abi})
      if (fs::exists(cand)) img.vmlinuz = cand;
    for (auto cand : {root + "/usr/lib/modules/" + k.abi, root + "/lib/modules/" + k.abi})
      if (fs::exists(cand + "/kernel")) img.modules_dir = cand;
  };
  if (fs::exists(dir + "/.complete")) {
    locate(dir);
    if (!img.vmlinuz.empty()) return img;
  }
  if (shas.size() != k.packages.size())  // only the cache's fast path passes no hashes
    throw InfraError("cached kernel " + dir + " is incomplete (no vmlinuz): delete it and run again");
  std::vector<std::string> debs;
  for (size_t i = 0; i < k.packages.size(); ++i) debs.push_back(download(k.packages[i], shas[i]));
  const std::string tmp = dir + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (auto& d : debs) {
    auto r = run_command({"dpkg-deb", "-x", d, tmp}, std::chrono::seconds(600));
    if (r.exit_code != 0) throw InfraError("dpkg-deb -x " + d + " failed:\n" + r.tail());
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
  locate(dir);
  if (img.vmlinuz.empty()) throw InfraError("no vmlinuz for " + k.abi + " in " + dir);
  std::ofstream(dir + "/.complete") << k.abi << '\n';
  return img;
}

KernelImage KernelStore::packaged(const std::string& series, bool locked_only) {
  const LockedSeries& ls = lock_.at(series);
  const KernelPackageSet& want = ls.kernel;
  std::vector<std::string> shas;
  for (auto& p : want.packages) shas.push_back(p.sha256);
  // Fast path: already unpacked, no network at all.
  const std::string dir = cache_ + "/kernels/" + want.abi + "_" + want.packages.front().version;
  if (fs::exists(dir + "/.complete")) return unpacked(want, shas);

  const auto& idx = index();
  bool all_there = true;
  for (auto& p : want.packages) {
    bool found = false;
    for (auto& q : idx) found |= (q.name == p.name && q.version == p.version);
    all_there &= found;
  }
  if (all_there) return unpacked(want, shas);

  const std::string locked = want.abi + " (" + want.packages.front().version + ")";
  if (locked_only)
    throw InfraError("locked kernel " + locked + " is no longer on the mirror (--locked); drop --locked to take the "
                     "newest " + series + ", or run `cxlrig kernels update`");
  auto newest = newest_in_series(idx, series);
  if (!newest) throw InfraError("no " + series + " kernel in " + ls.suite + " on the mirror");
  notes_ << "note: locked kernel " << locked << " is gone from the mirror; using " << newest->abi << " ("
         << newest->packages.front().version << "), the newest " << series
         << ". Run `cxlrig kernels update` to lock it.\n";
  std::vector<std::string> idx_shas;
  for (auto& p : newest->packages) idx_shas.push_back(p.sha256);
  KernelImage img = unpacked(*newest, idx_shas);
  img.substituted = {{"locked", locked}, {"used", newest->abi + " (" + newest->packages.front().version + ")"},
                     {"reason", "locked version no longer on the mirror"}};
  return img;
}

std::vector<KernelPackageSet> KernelStore::available() { return all_kernels(index()); }

KernelPackageSet KernelStore::find_abi(const std::string& want, const std::string& flag) {
  const auto all = available();
  std::optional<KernelPackageSet> hit;
  for (auto& k : all) {
    if (k.abi == want) return k;
    // "7.2.6" names 7.2.6+deb13-amd64; two ABIs of one version (6.12.90+deb12 and
    // 6.12.90+deb12.1) need the full ABI.
    if (k.abi.rfind(want + "+", 0) != 0) continue;
    if (hit) throw InputError(flag, "'" + want + "' matches " + hit->abi + " and " + k.abi, "pass the full ABI");
    hit = k;
  }
  if (hit) return *hit;
  std::string known, suites;
  for (auto& k : all) known += (known.empty() ? "" : ", ") + k.abi;
  for (auto& x : lock_.suites()) suites += (suites.empty() ? "" : " ") + x;
  throw InputError(flag, "no packaged kernel '" + want + "' on " + lock_.mirror + " (" + suites + ")",
                   "pick one of: " + known + " (`cxlrig kernels available`)");
}

KernelImage KernelStore::packaged_abi(const std::string& want, const std::string& flag) {
  // Fast path, as for a locked series: one unpacked kernel in the cache answers "7.2.12" or
  // its ABI without the network (kernels/<ABI>_<version>/.complete).
  std::optional<KernelPackageSet> cached;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(cache_ + "/kernels", ec)) {
    const std::string name = e.path().filename().string();
    const auto sep = name.rfind('_');
    if (sep == std::string::npos || !fs::exists(e.path() / ".complete")) continue;
    const std::string abi = name.substr(0, sep);
    if (abi != want && abi.rfind(want + "+", 0) != 0) continue;
    if (cached) {  // two candidates: let the index decide (or name the ambiguity)
      cached.reset();
      break;
    }
    DebPackage p;
    p.version = name.substr(sep + 1);
    std::smatch series;
    static const std::regex kSeries(R"(^\d+\.\d+)");
    std::regex_search(abi, series, kSeries);
    cached = KernelPackageSet{series.str(), abi, {p}};
  }
  if (cached) return unpacked(*cached, {});
  const KernelPackageSet k = find_abi(want, flag);
  std::vector<std::string> shas;
  for (auto& p : k.packages) shas.push_back(p.sha256);
  return unpacked(k, shas);
}

KernelLock KernelStore::newest_lock() {
  KernelLock out = lock_;
  const auto& idx = index();
  for (auto& [name, ls] : out.series) {
    auto newest = newest_in_series(idx, name);
    if (!newest) throw InfraError("no " + name + " kernel in " + ls.suite + " on the mirror");
    ls.kernel = *newest;
  }
  return out;
}

KernelImage KernelStore::user(const std::string& image, const std::string& modules_dir) {
  if (!fs::is_regular_file(image))
    throw InputError("--kernel-image", "no such file: " + image, "pass a bzImage (arch/x86/boot/bzImage), a vmlinuz, or a vmlinux built with CONFIG_PVH");
  if (!modules_dir.empty() && !fs::is_directory(modules_dir))
    throw InputError("--modules", "no such directory: " + modules_dir, "pass the lib/modules/VERSION dir, or omit it for a kernel with everything built in");
  return {"user", "", fs::path(image).filename().string(), "", fs::absolute(image).string(),
          modules_dir.empty() ? "" : fs::absolute(modules_dir).string(), nullptr};
}

}  // namespace cxlrig
