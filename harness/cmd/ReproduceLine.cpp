#include "ReproduceLine.h"

#include <filesystem>

namespace cxlrig {

const std::set<std::string>& path_flags() {
  static const std::set<std::string> f = {"--topology", "--scenario", "--kernel-image", "--modules",
                                          "--kernel-tree", "--cache", "--qemu", "--config", "--patch"};
  return f;
}

namespace {
// Flags whose value is always a path; the others may be a name (vmem-1, qemu-system-x86_64).
const std::set<std::string> kAlwaysPaths = {"--kernel-image", "--modules", "--kernel-tree", "--cache", "--config",
                                             "--patch"};
}  // namespace

ArgvRewrite reproduce_rewrite() {
  // Also what a bisect (or its step) adds around the run flags.
  return {{"--seed", "--layouts", "--out", "--steps", "--good", "--bad", "--tree"}, {"--reverse", "--fixed", "--packaged"}, {}};
}

namespace {
// A name ("vmem-1", "qemu-system-x86_64") stays as it is; something that exists here, or
// looks like a path, is made absolute.
std::string absolute(const std::string& flag, const std::string& v, const std::string& cwd) {
  namespace fs = std::filesystem;
  if (v.empty() || v[0] == '/') return v;
  const bool pathlike = kAlwaysPaths.count(flag) || v.find('/') != std::string::npos || v.ends_with(".json");
  std::error_code ec;
  if (!pathlike && !fs::exists(fs::path(cwd) / v, ec)) return v;
  return (fs::path(cwd) / v).lexically_normal().string();
}
}  // namespace

std::vector<std::string> run_argv_from(const std::vector<std::string>& argv, const ArgvRewrite& rw, const std::string& cwd) {
  std::vector<std::string> out;
  if (argv.empty()) return out;
  out.push_back(argv[0]);
  out.push_back("run");
  for (size_t i = 2; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const auto eq = a.find('=');
    const std::string flag = a.rfind("--", 0) == 0 ? a.substr(0, eq) : "";
    if (rw.drop_flag.count(flag)) continue;
    if (rw.drop_with_value.count(flag)) {
      if (eq == std::string::npos) ++i;  // its value is the next argument
      continue;
    }
    if (path_flags().count(flag)) {
      if (eq != std::string::npos) {
        out.push_back(flag + "=" + absolute(flag, a.substr(eq + 1), cwd));
      } else {
        out.push_back(a);
        if (i + 1 < argv.size()) out.push_back(absolute(flag, argv[++i], cwd));
      }
      continue;
    }
    out.push_back(a);
  }
  out.insert(out.end(), rw.append.begin(), rw.append.end());
  return out;
}

}  // namespace cxlrig
