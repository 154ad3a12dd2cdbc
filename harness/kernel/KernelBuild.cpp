#include "KernelBuild.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "GitTree.h"
#include "JsonFile.h"
#include "Sha256.h"
#include "Subprocess.h"
#include "TextFile.h"

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

KconfigIndex index_tree_kconfig(const std::string& tree) {
  KconfigIndex idx;
  for (auto it = fs::recursive_directory_iterator(tree, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == ".git" || name == "Documentation" || name == "tools")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && name.rfind("Kconfig", 0) == 0) index_kconfig_file(read_text_file(it->path()), idx);
  }
  return idx;
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
  return {{"bzimage", bzimage}, {"modules_dir", modules_dir}, {"commit", commit}, {"config_hash", config_hash},
          {"result_dir", result_dir}, {"build_log", build_log}, {"release", release}, {"reused", reused},
          {"seconds", seconds}, {"kconfig_absent_from_tree", absent}, {"kconfig_not_stuck", not_stuck}};
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

  Sha256 h;
  std::string requested_text;
  for (auto& f : fragments) {
    const std::string text = read_text_file(f);
    requested_text += text + "\n";
    h.update(f.substr(f.rfind('/'))).update(text);
  }
  BuiltKernel k;
  k.config_hash = h.hex().substr(0, 12);
  k.commit = tree_commit(tree.string());
  const std::string base = o.cache_dir + "/kbuild";
  const std::string obj = base + "/obj-" + sha256_string(tree.string()).substr(0, 12) + "-" + k.config_hash;
  // Only a clean commit names its source exactly; anything else is rebuilt (incrementally).
  const bool exact = !k.commit.empty() && k.commit.find("-dirty-") == std::string::npos;
  k.result_dir = base + "/" + (exact ? k.commit : "worktree-" + sha256_string(tree.string()).substr(0, 12)) + "-" +
                 k.config_hash;
  k.bzimage = k.result_dir + "/bzImage";
  k.build_log = k.result_dir + "/build.log";
  if (exact && fs::exists(k.result_dir + "/kernel.json")) {
    nlohmann::json j = read_json_file(k.result_dir + "/kernel.json", "kernel.json", "delete " + k.result_dir);
    k.modules_dir = j.value("modules_dir", "");
    k.release = j.value("release", "");
    k.reused = true;
    progress << "kernel: reusing " << k.result_dir << " (" << k.commit << ")\n";
    return k;
  }
  fs::create_directories(obj);
  fs::remove_all(k.result_dir, ec);
  fs::create_directories(k.result_dir);
  std::ofstream(k.build_log, std::ios::trunc) << "cxlrig kernel build: tree " << tree.string() << " commit "
                                               << (k.commit.empty() ? "(not git)" : k.commit) << " variant "
                                               << o.variant << "\n";

  const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> make = {"env", "CCACHE_DIR=" + o.cache_dir + "/ccache", "KBUILD_BUILD_TIMESTAMP=2000-01-01",
                                   "KBUILD_BUILD_USER=cxlrig", "KBUILD_BUILD_HOST=cxlrig",
                                   "make", "-C", tree.string(), "O=" + obj, "-j" + std::to_string(jobs)};
  if (!find_program("ccache").empty()) make.push_back("CC=ccache gcc");
  auto step = [&](const std::string& what, std::vector<std::string> argv) {
    progress << "kernel: " << what << "\n" << std::flush;
    if (run_logged(argv, k.build_log, std::chrono::hours(2)) != 0) {
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
  // From tinyconfig every time: the same fragments give the same .config on every commit,
  // and Kbuild's per-option dependencies keep an unchanged config from rebuilding anything.
  step("tinyconfig", with({"tinyconfig"}));
  std::vector<std::string> merge = {tree.string() + "/scripts/kconfig/merge_config.sh", "-m", "-O", obj, obj + "/.config"};
  merge.insert(merge.end(), fragments.begin(), fragments.end());
  step("merge_config.sh", merge);
  step("olddefconfig", with({"olddefconfig"}));

  const auto final_config = parse_kconfig_values(read_text_file(obj + "/.config"));
  k.kconfig = check_kconfig(parse_kconfig_values(requested_text), final_config, index_tree_kconfig(tree.string()));
  for (auto& v : k.kconfig)
    if (v.kind == KconfigVerdict::kAbsentFromTree)
      progress << "kernel: CONFIG_" << v.option << " is not in this tree (" << v.reason << "), going on without it\n";
  const std::string not_stuck = describe_not_stuck(k.kconfig);
  if (!not_stuck.empty())
    throw KernelBuildError("requested kernel options did not stick after olddefconfig:\n" + not_stuck, k.build_log);

  step("bzImage", with({"bzImage"}));
  k.release = chomp(read_text_file(obj + "/include/config/kernel.release"));
  fs::copy_file(obj + "/arch/x86/boot/bzImage", k.bzimage, fs::copy_options::overwrite_existing);
  fs::copy_file(obj + "/.config", k.result_dir + "/config", fs::copy_options::overwrite_existing);
  auto m = final_config.find("MODULES");
  if (m != final_config.end() && m->second == "y") {
    step("modules", with({"modules"}));
    step("modules_install", with({"modules_install", "INSTALL_MOD_PATH=" + k.result_dir + "/mods", "INSTALL_MOD_STRIP=1"}));
    k.modules_dir = k.result_dir + "/mods/lib/modules/" + k.release;
  }
  k.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ofstream(k.result_dir + "/kernel.json") << k.to_json().dump(2) << "\n";
  progress << "kernel: built " << k.release << " in " << static_cast<int>(k.seconds) << " s: " << k.bzimage << "\n";
  return k;
}

}  // namespace cxlrig
