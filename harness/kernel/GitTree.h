// The user's kernel git tree, as bisect touches it: identity checks before, the original
// HEAD to restore after. Every git call is checked; a failure names the command.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "Subprocess.h"

namespace cxlrig {

class GitTree {
 public:
  explicit GitTree(std::string path);  // InputError (--tree) if not a git work tree
  // The tree at `path` if it is a git work tree (a plain unpacked source is not).
  static std::optional<GitTree> open(const std::string& path);
  const std::string& path() const { return path_; }
  // Full hash of a revision, or nullopt when it names no commit.
  std::optional<std::string> resolve(const std::string& rev) const;
  // Tracked files with changes (untracked files do not block a checkout).
  bool dirty() const;
  bool bisecting() const;
  // The branch HEAD is on ("refs/heads/x"), or the commit when detached.
  std::string head_ref() const;
  std::string head_commit() const;
  std::string subject(const std::string& rev) const;
  // `git -C <tree> args…`, for callers that run it themselves (logged, long-running).
  std::vector<std::string> command(const std::vector<std::string>& args) const;
  CommandResult git(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(300)) const;
  // As git(), but a non-zero exit throws InfraError with git's words.
  std::string must(const std::vector<std::string>& args) const;

 private:
  GitTree() = default;
  std::string path_;
};

}  // namespace cxlrig
