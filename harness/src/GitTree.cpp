#include "GitTree.h"

#include <filesystem>

#include "InputError.h"

namespace cxlrig {
namespace {
std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

GitTree::GitTree(std::string path) : path_(std::move(path)) {
  if (path_.empty() || !std::filesystem::is_directory(path_))
    throw InputError("--tree", "'" + path_ + "' is not a directory", "pass the top of a kernel git checkout");
  auto r = git({"rev-parse", "--is-inside-work-tree"});
  if (r.exit_code != 0 || chomp(r.output) != "true")
    throw InputError("--tree", "'" + path_ + "' is not a git work tree", "bisect needs a git checkout (git clone …)");
}

CommandResult GitTree::git(const std::vector<std::string>& args, std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {"git", "-C", path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
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
