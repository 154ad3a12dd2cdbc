#include "GitTree.h"

#include <filesystem>

#include "InputError.h"
#include "TextFile.h"

namespace cxlrig {
namespace {
bool is_work_tree(const std::string& path) {
  if (path.empty() || !std::filesystem::is_directory(path)) return false;
  auto r = run_command({"git", "-C", path, "rev-parse", "--is-inside-work-tree"}, std::chrono::seconds(60));
  return r.exit_code == 0 && chomp(r.output) == "true";
}
}  // namespace

GitTree::GitTree(std::string path) : path_(std::move(path)) {
  if (path_.empty() || !std::filesystem::is_directory(path_))
    throw InputError("--tree", "'" + path_ + "' is not a directory", "pass the top of a kernel git checkout");
  if (!is_work_tree(path_))
    throw InputError("--tree", "'" + path_ + "' is not a git work tree", "bisect needs a git checkout (git clone …)");
}

std::optional<GitTree> GitTree::open(const std::string& path) {
  if (!is_work_tree(path)) return std::nullopt;
  GitTree t;
  t.path_ = path;
  return t;
}

std::vector<std::string> GitTree::command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"git", "-C", path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

CommandResult GitTree::git(const std::vector<std::string>& args, std::chrono::seconds timeout) const {
  return run_command(command(args), timeout);
}

std::string GitTree::must(const std::vector<std::string>& args) const {
  auto r = git(args);
  if (r.exit_code != 0) {
    std::string cmd = "git";
    for (auto& a : args) cmd += " " + a;
    throw InfraError(cmd + " failed in " + path_ + ": " + r.tail(6));
  }
  return chomp(r.output);
}

std::optional<std::string> GitTree::resolve(const std::string& rev) const {
  auto r = git({"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
  if (r.exit_code != 0) return std::nullopt;
  return chomp(r.output);
}

bool GitTree::dirty() const { return !must({"status", "--porcelain", "--untracked-files=no"}).empty(); }

bool GitTree::bisecting() const {
  auto r = git({"rev-parse", "--git-path", "BISECT_START"});
  std::string p = chomp(r.output);
  if (!p.empty() && p[0] != '/') p = path_ + "/" + p;
  return std::filesystem::exists(p);
}

std::string GitTree::head_ref() const {
  auto r = git({"symbolic-ref", "-q", "HEAD"});
  if (r.exit_code == 0) return chomp(r.output);
  return head_commit();
}

std::string GitTree::head_commit() const { return must({"rev-parse", "HEAD"}); }

std::string GitTree::subject(const std::string& rev) const { return must({"log", "-1", "--format=%s", rev}); }

}  // namespace cxlrig
