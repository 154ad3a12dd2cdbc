#include "KernelBuild.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "BuildEnvironment.h"
#include "GitTree.h"
#include "JsonFile.h"
#include "Sha256.h"
#include "Subprocess.h"
#include "TextFile.h"
#include "TtyStatus.h"

namespace fs = std::filesystem;

namespace cxlrig {
namespace {

// HEAD, marked dirty with a hash of the diff; "" when the tree is not a git checkout.
std::string tree_commit(const std::string& tree) {
  auto git = GitTree::open(tree);
  if (!git || !git->resolve("HEAD")) return "";
  std::string commit = git->head_commit();
  const std::string diff = git->must({"diff", "HEAD"});
  if (!diff.empty()) commit += "-dirty-" + sha256_string(diff).substr(0, 12);
  return commit;
}

// The tree's Kconfig files (and the tinyconfig fragments), skipping what Kconfig never
// sources (.git, Documentation, tools).
std::vector<fs::path> tree_kconfig_files(const std::string& tree) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(tree, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == ".git" || name == "Documentation" || name == "tools")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && (name.rfind("Kconfig", 0) == 0 || name == "tiny.config" || name == "tiny-base.config"))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A fingerprint of those files by path, size and mtime, so an unchanged config need not be
// generated again. Not by content: reading and hashing all ~1,900 took about 1.5 s of every
// rebuild. A checkout (or the patched copy) rewrites only the files that change, so an
// unchanged stat means unchanged text; a touched file merely reconfigures.
std::string kconfig_fingerprint(const std::vector<fs::path>& files, const std::string& tree) {
  Sha256 h;
  std::error_code ec;
  for (auto& f : files) {
    const auto size = fs::file_size(f, ec);
    const auto mtime = fs::last_write_time(f, ec).time_since_epoch().count();
    h.update(f.lexically_relative(tree).string() + " " + std::to_string(size) + " " + std::to_string(mtime) + "\n");
  }
  return h.hex();
}

// What KconfigCheck needs to explain an option that did not stick: read only when the
// config is generated.
KconfigIndex read_kconfig_index(const std::vector<fs::path>& files) {
  KconfigIndex index;
  for (auto& f : files)
    if (f.filename().string().rfind("Kconfig", 0) == 0) index_kconfig_file(read_text_file(f), index);
  return index;
}

nlohmann::json verdicts_json(const std::vector<KconfigVerdict>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& x : v) a.push_back({{"kind", static_cast<int>(x.kind)}, {"option", x.option}, {"wanted", x.wanted}, {"got", x.got},
                                 {"reason", x.reason}});
  return a;
}

std::vector<KconfigVerdict> verdicts_from(const nlohmann::json& a) {
  std::vector<KconfigVerdict> v;
  for (auto& x : a)
    v.push_back({static_cast<KconfigVerdict::Kind>(x.at("kind").get<int>()), x.at("option"), x.at("wanted"), x.at("got"),
                 x.at("reason")});
  return v;
}

// Kbuild's quiet output names each object it compiles: "  CC      mm/memory.o".
size_t objects_in_log(const std::string& text) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find('\n', at)) != std::string::npos; ++at)
    if (text.compare(at + 1, 5, "  CC ") == 0 || text.compare(at + 1, 5, "  AS ") == 0) ++n;
  return n;
}

// The tree with the patches applied, as a hard-linked copy (cp -al) under the cache: GNU
// patch writes each patched file anew, so the user's tree keeps its inodes and is never
// dirtied. The copy's path is stable, so the object dir keyed by it stays incremental.
// flock(2) on a lock file, waited for with a word to the terminal.
class FileLock {
 public:
  FileLock(const std::string& path, const std::string& holder, std::ostream& progress) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InfraError("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    progress << "kernel: waiting for " << holder << "\n" << std::flush;
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw InfraError("cannot lock " + path + ": " + std::strerror(errno));
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

// The files a patch changes, as `patch -p1` names them (its "+++ b/..." lines).
std::vector<std::string> files_patched(const std::string& patch_file) {
  std::vector<std::string> out;
  std::istringstream in(read_text_file(patch_file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("+++ ", 0) != 0) continue;
    std::string path = line.substr(4);
    if (auto tab = path.find_first_of("\t "); tab != std::string::npos) path.resize(tab);
    if (path == "/dev/null") continue;
    if (auto slash = path.find('/'); slash != std::string::npos) out.push_back(path.substr(slash + 1));
  }
  return out;
}

// The tree, hard-linked into one copy per tree that every patched build of it shares, with
// the patches applied. One copy (and one object dir per config) means switching between
// patch sets, a race's window or a candidate fix, recompiles only the patched files: make
// sees the patched files' new mtimes. A file patched last time and not now is put back as
// a real copy, newer than its object, or make would keep the patched object.
std::string patched_copy(const std::string& tree, const std::vector<std::string>& patches, const std::string& dir,
                         const std::string& obj, const std::string& log) {
  std::error_code ec;
  const std::string record = obj + "/.cxlrig-patched-files";
  std::set<std::string> before, now;
  if (fs::exists(record)) {
    std::istringstream in(read_text_file(record));
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) before.insert(l);
  }
  for (auto& p : patches)
    for (auto& f : files_patched(p)) now.insert(f);
  fs::remove_all(dir, ec);
  fs::create_directories(fs::path(dir).parent_path());
  if (run_logged({"cp", "-al", tree, dir}, log, std::chrono::minutes(10)) != 0)
    throw KernelBuildError("cannot copy " + tree + " to apply the patches (log: " + log + ")", log);
  for (auto& p : patches)
    // Absolute: patch -d changes directory before it opens the patch.
    if (run_logged({"patch", "-p1", "--no-backup-if-mismatch", "-d", dir, "-i", fs::absolute(p).string()}, log,
                   std::chrono::minutes(2)) != 0)
      throw KernelBuildError("patch " + p + " does not apply to " + tree + " (log: " + log + ")", log);
  // A file patched the same way as by the last build keeps that build's mtime: its object
  // is up to date, and a race rerun on the same kernel then costs no compile.
  const std::string kept = obj + "/.cxlrig-patched";
  for (auto& f : now) {
    const std::string path = dir + "/" + f, saved = kept + "/" + f;
    if (!fs::exists(path)) continue;
    if (before.count(f) && fs::exists(saved) && read_text_file(saved) == read_text_file(path)) {
      fs::last_write_time(path, fs::last_write_time(saved));
    } else {
      fs::create_directories(fs::path(saved).parent_path());
      fs::copy_file(path, saved, fs::copy_options::overwrite_existing);
      fs::last_write_time(saved, fs::last_write_time(path));
    }
  }
  for (auto& f : before) {
    if (now.count(f) || !fs::exists(dir + "/" + f)) continue;
    const std::string path = dir + "/" + f, tmp = path + ".cxlrig-unlink";
    fs::copy_file(path, tmp, fs::copy_options::overwrite_existing);  // a new inode, mtime now
    fs::rename(tmp, path);
  }
  fs::create_directories(obj);
  std::ofstream out(record, std::ios::trunc);
  for (auto& f : now) out << f << "\n";
  return dir;
}

// A directory whose `gcc` is ccache, for the front of make's PATH (ccache finds the real
// gcc further down PATH, skipping itself). Made once per cache.
std::string ccache_bin_dir(const std::string& dir, const std::string& ccache) {
  std::error_code ec;
  const fs::path gcc = fs::path(dir) / "gcc";
  if (fs::is_symlink(gcc) && fs::read_symlink(gcc, ec) == ccache) return dir;
  fs::create_directories(dir);
  const fs::path tmp = gcc.string() + ".new-" + std::to_string(::getpid());
  fs::remove(tmp, ec);
  fs::create_symlink(ccache, tmp);
  fs::rename(tmp, gcc);  // two builds at once each see a whole link
  return dir;
}

// What the last build of this config took, for an ETA: {objects, seconds}.
nlohmann::json last_stats(const std::string& file) {
  std::ifstream in(file);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

std::string first_build_errors(const std::string& log_text, size_t max) {
  std::istringstream in(log_text);
  std::string line, out;
  std::vector<std::string> all;
  size_t n = 0;
  while (std::getline(in, line)) {
    all.push_back(line);
    if (n < max && (line.find("error:") != std::string::npos || line.find("*** ") != std::string::npos ||
                    line.find("Error ") != std::string::npos || line.find("undefined reference") != std::string::npos)) {
      out += line + "\n";
      ++n;
    }
  }
  if (!out.empty()) return out;
  for (size_t i = all.size() > max ? all.size() - max : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

nlohmann::json BuiltKernel::to_json() const {
  nlohmann::json absent = nlohmann::json::array(), not_stuck = nlohmann::json::array();
  for (auto& v : kconfig) {
    if (v.kind == KconfigVerdict::kAbsentFromTree) absent.push_back(v.option);
    if (v.kind == KconfigVerdict::kNotStuck) not_stuck.push_back({{"option", v.option}, {"reason", v.reason}});
  }
  return {{"image", image}, {"modules_dir", modules_dir}, {"commit", commit}, {"config_hash", config_hash},
          {"result_dir", result_dir}, {"build_log", build_log}, {"release", release}, {"reused", reused},
          {"seconds", seconds}, {"objects", objects}, {"patches", patches}, {"rig_modules", rig_modules},
          {"kconfig_absent_from_tree", absent}, {"kconfig_not_stuck", not_stuck}};
}

BuiltKernel build_kernel(const KernelBuildOptions& o, std::ostream& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  const fs::path tree = fs::weakly_canonical(o.tree, ec);
  if (o.tree.empty() || !fs::exists(tree / "Makefile") || !fs::exists(tree / "arch/x86/Kconfig"))
    throw InputError("--tree", "'" + o.tree + "' is not a Linux source tree (no Makefile, arch/x86/Kconfig)",
                     "pass the top of a kernel checkout or of an unpacked linux-source");
  const std::string kdir = o.data_dir + "/images/kconfig";
  std::vector<std::string> fragments = {kdir + "/base.config"};
  if (o.variant != "base") fragments.push_back(kdir + "/" + o.variant + ".config");
  for (auto& f : fragments)
    if (!fs::exists(f))
      throw InputError("--variant", "no config fragment " + f, "use base, debug, kasan or kcsan (images/kconfig/)");
  for (auto& f : o.fragments) {
    if (!fs::exists(f)) throw InputError("--config", "no config fragment " + f, "pass a file of CONFIG_X=y lines");
    fragments.push_back(fs::absolute(f).string());
  }
  for (auto& p : o.patches)
    if (!fs::exists(p)) throw InputError("--patch", "no patch " + p, "pass a file `patch -p1` applies to the tree");

  // The config hash names the object dir and the result: fragments and patches, by content.
  Sha256 h;
  std::string requested_text, fragments_key;
  for (auto& f : fragments) {
    const std::string text = read_text_file(f);
    requested_text += text + "\n";
    fragments_key += f.substr(f.rfind('/')) + "\n" + text;
    h.update(f.substr(f.rfind('/'))).update(text);
  }
  BuiltKernel k;
  const bool via_copy = o.via_copy || !o.patches.empty();
  // The object dir is per config without the patches: patched builds share one (below).
  const std::string fragments_hash = sha256_string(fragments_key).substr(0, 12);
  for (auto& p : o.patches) {
    h.update("patch:" + fs::path(p).filename().string()).update(read_text_file(p));
    k.patches.push_back(fs::path(p).filename().string());
  }
  k.config_hash = h.hex().substr(0, 12);
  k.commit = tree_commit(tree.string());
  const std::string base = o.cache_dir + "/kbuild";
  const std::string tree_id = sha256_string(tree.string()).substr(0, 12);
  const std::string obj =
      base + "/obj-" + tree_id + "-" + (via_copy ? fragments_hash + "-patched" : k.config_hash);
  // Only a clean commit names its source exactly; anything else is rebuilt (incrementally).
  const bool exact = !k.commit.empty() && k.commit.find("-dirty-") == std::string::npos;
  k.result_dir = base + "/" + (exact ? k.commit : "worktree-" + tree_id) + "-" + k.config_hash;
  k.build_log = k.result_dir + "/build.log";
  const nlohmann::json built_before = exact && !o.rebuild && fs::exists(k.result_dir + "/kernel.json")
                                          ? read_json_file(k.result_dir + "/kernel.json", "kernel.json", "delete " + k.result_dir)
                                          : nlohmann::json();
  // Reused when it holds the image this build would deliver (a kernel.json of an older rig
  // names none: rebuilt, incrementally).
  const std::string image_before = built_before.is_object() ? built_before.value("image", "") : "";
  if (!image_before.empty() && (!o.bzimage || image_before.ends_with("/bzImage"))) {
    k.image = image_before;
    k.modules_dir = built_before.value("modules_dir", "");
    k.release = built_before.value("release", "");
    k.objects = built_before.value("objects", size_t{0});
    k.rig_modules = built_before.value("rig_modules", std::vector<std::string>{});
    k.reused = true;
    progress << "kernel: reusing " << k.result_dir << " (" << k.commit << ")\n";
    return k;
  }
  fs::create_directories(obj);
  // One build per object dir at a time (two races of the same variant started together
  // share it and its patched copy); the lock goes with the process, however it ends.
  const FileLock lock(obj + "/.cxlrig-lock", "another build in " + obj, progress);
  // The patched copy is one per tree (its path is in every object's command line, so a
  // new path would be a cold build): builds of other configs from it wait too.
  std::optional<FileLock> copy_lock;
  if (via_copy) copy_lock.emplace(base + "/src-" + tree_id + ".lock", "another build from the patched copy", progress);
  fs::remove_all(k.result_dir, ec);
  fs::create_directories(k.result_dir);
  std::ofstream(k.build_log, std::ios::trunc) << "cxlrig kernel build: tree " << tree.string() << " commit "
                                               << (k.commit.empty() ? "(not git)" : k.commit) << " variant "
                                               << o.variant << "\n";
  const std::string src = !via_copy ? tree.string()
                                            : patched_copy(tree.string(), o.patches, base + "/src-" + tree_id, obj, k.build_log);

  const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  // ccache only where it can hit. Its entries are keyed by the command line, which names
  // the source tree and the object dir's own generated headers, so the only earlier
  // compiles a build can reuse are this object dir's. In a dir no build has finished in,
  // every lookup misses, and a miss costs more CPU than plain gcc (hashing the
  // dependencies, storing the object): 7-9% an object measured in turns, 3% over two pairs
  // of whole cold makes (README). A later build here (a bisect step, a patch switched
  // back) hits what the builds after the first stored.
  auto env_inputs = build_environment_inputs(o.cache_dir + "/ccache");
  const std::string ccache = find_program("ccache");
  const bool ccache_can_hit = fs::exists(obj + "/vmlinux");
  if (!ccache.empty()) {
    if (ccache_can_hit) env_inputs.ccache_bin_dir = ccache_bin_dir(o.cache_dir + "/ccache-bin", ccache);
    progress << "kernel: compiling "
             << (ccache_can_hit ? "with ccache" : "without ccache (a first build here: nothing to hit)") << "\n";
  }
  auto make_in = [&](const BuildEnvironmentInputs& in) {
    std::vector<std::string> m = {"env"};
    for (auto& e : kernel_build_environment(in)) m.push_back(e);
    m.insert(m.end(), {"make", "-C", src, "O=" + obj, "-j" + std::to_string(jobs)});
    return m;
  };
  std::vector<std::string> make = make_in(env_inputs);
  TtyStatus status;
  const std::string stats_file = base + "/stats-" + k.config_hash + ".json";
  const nlohmann::json last = last_stats(stats_file);
  // Objects done out of those the last build of this config compiled, with an ETA from it.
  auto watch_objects = [&](const std::string& what) -> Tick {
    if (!status.enabled()) return {};
    const auto started = std::chrono::steady_clock::now();
    const size_t expected = last.is_object() ? last.value("objects", size_t{0}) : 0;
    const double last_s = last.is_object() ? last.value("compile_seconds", 0.0) : 0.0;
    return [&, started, expected, last_s, what] {
      const size_t done = objects_in_log(read_text_file(k.build_log));
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::string text = "kernel: " + what + ": " + std::to_string(done) + " objects";
      if (expected) {
        text += " of ~" + std::to_string(expected);
        const double eta = last_s > 0 ? last_s * (1.0 - std::min(1.0, double(done) / expected))
                                      : done ? el * (double(expected) / done - 1) : 0;
        text += ", ETA " + format_duration(eta);
      }
      status.show(text + " (" + format_duration(el) + ")");
    };
  };
  auto step = [&](const std::string& what, std::vector<std::string> argv, const Tick& tick = {}) {
    status.clear();
    progress << "kernel: " << what << "\n" << std::flush;
    const int rc = run_logged(argv, k.build_log, std::chrono::hours(2), {}, tick);
    status.clear();
    if (rc != 0) {
      const std::string log = read_text_file(k.build_log);
      throw KernelBuildError("kernel build failed at " + what + " (log: " + k.build_log + "):\n" + first_build_errors(log),
                             k.build_log);
    }
  };
  auto with = [&](std::vector<std::string> extra) {
    auto v = make;
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  };
  // tinyconfig's fragments and ours: the same fragments give the same .config on every
  // commit, and Kbuild's per-option dependencies keep an unchanged config from rebuilding
  // anything. The config steps cost ~12 s, so they are skipped when neither the fragments
  // nor any Kconfig file changed since the object dir's .config was made (a bisect step
  // that touches C files only); the .config stays as it was, with its timestamp.
  const auto kconfig_files = tree_kconfig_files(src);
  const std::string config_key = sha256_string(requested_text + "\n" + kconfig_fingerprint(kconfig_files, src));
  const std::string key_file = obj + "/.cxlrig-config-key", verdicts_file = obj + "/.cxlrig-kconfig.json";
  std::string old_key;
  try {
    if (fs::exists(key_file) && fs::exists(obj + "/.config") && fs::exists(verdicts_file)) old_key = read_text_file(key_file);
  } catch (const std::exception&) {
  }
  if (old_key == config_key) {
    progress << "kernel: config unchanged (fragments and Kconfig files)\n";
    k.kconfig = verdicts_from(read_json_file(verdicts_file, "kernel config verdicts", "delete " + obj));
  } else {
    fs::remove(key_file, ec);
    const bool fresh = !fs::exists(obj + "/.config");
    if (fresh) progress << "kernel: first build in " << obj << ": every object is compiled\n";
    // What `make tinyconfig` does (scripts/kconfig/Makefile: allnoconfig with tiny-base.config,
    // then the tiny.config fragments and olddefconfig), with the rig's fragments merged
    // into the same olddefconfig: one Kconfig pass fewer (~6 s). One difference: where a
    // fragment turns back off what tiny.config turned on (SLUB_TINY, the unwinder choice),
    // the options that reveals keep allnoconfig's "n" instead of taking their defaults, so
    // the fragment names those it needs. On 7.3.4 every variant's .config is the one a
    // second olddefconfig on top of tinyconfig's gave (kasan.config names ORC and slab
    // merging).
    auto allnoconfig = with({"allnoconfig"});
    if (const auto base_frag = src + "/kernel/configs/tiny-base.config"; fs::exists(base_frag))
      allnoconfig.insert(allnoconfig.begin() + 1, "KCONFIG_ALLCONFIG=" + base_frag);
    step("allnoconfig", allnoconfig);
    std::vector<std::string> merge = {src + "/scripts/kconfig/merge_config.sh", "-m", "-O", obj, obj + "/.config"};
    for (const auto& tiny : {src + "/kernel/configs/tiny.config", src + "/arch/x86/configs/tiny.config"})
      if (fs::exists(tiny)) merge.push_back(tiny);
    merge.insert(merge.end(), fragments.begin(), fragments.end());
    step("merge_config.sh", merge);
    // In a fresh object dir the last config pass also writes what the build reads:
    // conf_write_autoconf() (scripts/kconfig/confdata.c) writes auto.conf, autoconf.h and
    // auto.conf.cmd when auto.conf is missing, and the build, finding them newer than
    // .config, skips its own syncconfig pass (a Kconfig pass is ~6 s of compiler probes).
    // Not in a used dir: without the old auto.conf, conf_touch_deps() would mark every
    // option changed and every object would be compiled again.
    if (fresh) fs::remove(obj + "/include/config/auto.conf", ec);
    step("olddefconfig", with({"olddefconfig"}));
    k.kconfig = check_kconfig(parse_kconfig_values(requested_text), parse_kconfig_values(read_text_file(obj + "/.config")),
                              read_kconfig_index(kconfig_files));
    std::ofstream(verdicts_file) << verdicts_json(k.kconfig).dump() << "\n";
    std::ofstream(key_file) << config_key;
  }
  const auto final_config = parse_kconfig_values(read_text_file(obj + "/.config"));
  for (auto& v : k.kconfig)
    if (v.kind == KconfigVerdict::kAbsentFromTree)
      progress << "kernel: CONFIG_" << v.option << " is not in this tree (" << v.reason << "), going on without it\n";
  const std::string not_stuck = describe_not_stuck(k.kconfig);
  if (!not_stuck.empty()) {
    fs::remove(key_file, ec);
    throw KernelBuildError("requested kernel options did not stick after olddefconfig:\n" + not_stuck, k.build_log);
  }

  const auto compile_t0 = std::chrono::steady_clock::now();
  const size_t before = objects_in_log(read_text_file(k.build_log));
  auto option = [&](const char* name) {
    auto it = final_config.find(name);
    return it != final_config.end() && it->second == "y";
  };
  // Where warnings fail the build, the compiles keep every one (BuildEnvironment.h); the
  // config passes above ran no compile KCFLAGS reaches.
  if (option("WERROR")) {
    env_inputs.warnings_fail_build = true;
    make = make_in(env_inputs);
  }
  const bool modules = option("MODULES");
  // vmlinux where QEMU can enter it through PVH: the bzImage's setup code and compressed
  // loader are 37 objects, and an objcopy, a gzip and two links after every vmlinux link.
  const std::string target = option("PVH") && !o.bzimage ? "vmlinux" : "bzImage";
  // One make for both: each invocation walks the whole tree (~5 s here) before it knows
  // there is nothing to do.
  std::vector<std::string> targets = {target};
  if (modules) targets.push_back("modules");
  step(target + (modules ? " modules" : ""), with(targets), watch_objects(target));
  k.release = chomp(read_text_file(obj + "/include/config/kernel.release"));
  k.image = k.result_dir + "/" + target;
  fs::copy_file(target == "bzImage" ? obj + "/arch/x86/boot/bzImage" : obj + "/vmlinux", k.image,
                fs::copy_options::overwrite_existing);
  fs::copy_file(obj + "/.config", k.result_dir + "/config", fs::copy_options::overwrite_existing);
  if (modules) {
    step("modules_install", with({"modules_install", "INSTALL_MOD_PATH=" + k.result_dir + "/mods", "INSTALL_MOD_STRIP=1"}));
    k.modules_dir = k.result_dir + "/mods/lib/modules/" + k.release;
    // The rig's own modules, against this tree and config. Each is copied out of
    // guest-tests/ first: Kbuild writes an external module's objects beside its source.
    const std::string mods_src = o.data_dir + "/guest-tests/modules";
    if (fs::exists(mods_src))
      for (auto& d : fs::directory_iterator(mods_src)) {
        if (!fs::exists(d.path() / "Kbuild")) continue;
        const std::string name = d.path().filename().string();
        const std::string copy = k.result_dir + "/rig-modules/" + name;
        fs::create_directories(copy);
        fs::copy(d.path(), copy, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        step("module " + name, with({"M=" + copy, "modules"}));
        step("module " + name + " install", with({"M=" + copy, "modules_install", "INSTALL_MOD_PATH=" + k.result_dir + "/mods",
                                                  "INSTALL_MOD_DIR=extra", "INSTALL_MOD_STRIP=1"}));
        k.rig_modules.push_back(name);
      }
  }
  k.objects = objects_in_log(read_text_file(k.build_log)) - before;
  const double compile_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_t0).count();
  k.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ofstream(k.result_dir + "/kernel.json") << k.to_json().dump(2) << "\n";
  // A full build of this config sets the expectation for the next one's ETA.
  if (!last.is_object() || k.objects >= last.value("objects", size_t{0}))
    std::ofstream(stats_file) << nlohmann::json{{"objects", k.objects}, {"compile_seconds", compile_s}}.dump() << "\n";
  progress << "kernel: built " << k.release << " in " << static_cast<int>(k.seconds) << " s (" << k.objects
           << " objects): " << k.image << "\n";
  return k;
}

}  // namespace cxlrig
