// Self-test of kernel builds and bisect on a real kernel history: Debian's linux-source-7.3
// (fetched through the rig's private apt configuration) becomes a throwaway git history
//   base (good) - harmless - BUG - harmless            (branch main)
//   BUG - harmless - FIX (revert of BUG) - harmless    (branch inverse)
// where BUG is images/patches/fsdev-offset-from-first-range.patch, the old fsdev
// memory_failure offset bug (offset = P - ranges[0].start). `cxlrig bisect` must name BUG,
// `--reverse` must name FIX, and the tree must be left exactly as found. One object dir is
// reused by every build, so only the first build is a full one.
// Guards: dax/fsdev: fix multi-range offset in memory_failure handler (dax/fsdev fix series).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/process.hpp>
#include <filesystem>
#include <map>
#include <thread>
#include <fstream>
#include <optional>
#include <sstream>

#include "BuildEnvironment.h"
#include "RunHarness.h"
#include "Subprocess.h"

namespace fs = std::filesystem;
using namespace cxlrig::test;

namespace {

struct History {
  std::string tree;
  std::string base, harmless1, bug, harmless2;  // main
  std::string harmless3, fix, harmless4;        // inverse
};

std::string sh(const std::string& cmd, const std::string& cwd) {
  auto r = cxlrig::run_command({"/bin/sh", "-c", cmd}, std::chrono::minutes(30), cwd);
  if (r.exit_code != 0) throw std::runtime_error(cmd + " failed: " + r.tail(10));
  std::string out = r.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

const std::string kGit = "git -c user.name=cxlrig -c user.email=cxlrig@localhost ";

std::string commit_all(const std::string& tree, const std::string& subject) {
  sh(kGit + "commit -q -a -m '" + subject + "'", tree);
  return sh("git rev-parse HEAD", tree);
}

void append_comment(const std::string& file, const std::string& text) {
  std::ofstream(file, std::ios::app) << "/* " << text << " */\n";
}

class KernelHistory : public ::testing::Test {
 protected:
  // ctest runs every test in its own process: the history is made once and reused while
  // it is intact (same patch, tree clean on main, no bisect left behind).
  static void SetUpTestSuite() {
    try {
      const std::string work = std::string(CXLRIG_TEST_RUNS) + "/kernel-history";
      const std::string patch = std::string(CXLRIG_SOURCE_DIR) + "/images/patches/fsdev-offset-from-first-range.patch";
      const std::string stamp = work + "/history.json";
      const std::string patch_text = read_text(patch);
      if (auto h = reuse(stamp, patch_text)) {
        history_ = new History(*h);
        return;
      }
      fs::remove_all(work);
      fs::create_directories(work);
      auto src = run_cxlrig({"kernel", "source", "--series", "7.3", "--into", work}, "", 1800);
      if (src.exit_code != 0) throw std::runtime_error("cxlrig kernel source failed: " + src.output);
      History h;
      h.tree = work + "/linux-source-7.3";
      // -f: Debian's linux-source .gitignore ends with "/*" (everything at the top is ignored).
      sh("git init -q -b main . && git config gc.auto 0 && git add -f -A . >/dev/null", h.tree);
      sh(kGit + "commit -q -m 'base: Debian linux-source-7.3'", h.tree);
      h.base = sh("git rev-parse HEAD", h.tree);
      append_comment(h.tree + "/drivers/dax/bus.c", "harmless 1");
      h.harmless1 = commit_all(h.tree, "dax: harmless 1");
      sh("git apply " + patch, h.tree);
      h.bug = commit_all(h.tree, "dax/fsdev: compute the memory_failure offset from ranges[0]");
      append_comment(h.tree + "/drivers/dax/device.c", "harmless 2");
      h.harmless2 = commit_all(h.tree, "dax: harmless 2");
      sh("git checkout -q -b inverse " + h.bug, h.tree);
      append_comment(h.tree + "/drivers/dax/bus.c", "harmless 3");
      h.harmless3 = commit_all(h.tree, "dax: harmless 3");
      sh(kGit + "revert --no-edit " + h.bug + " >/dev/null", h.tree);
      h.fix = sh("git rev-parse HEAD", h.tree);
      append_comment(h.tree + "/drivers/dax/device.c", "harmless 4");
      h.harmless4 = commit_all(h.tree, "dax: harmless 4");
      sh("git checkout -q main", h.tree);
      std::ofstream(stamp) << nlohmann::json{{"patch", patch_text}, {"tree", h.tree}, {"base", h.base},
                                             {"harmless1", h.harmless1}, {"bug", h.bug}, {"harmless2", h.harmless2},
                                             {"harmless3", h.harmless3}, {"fix", h.fix}, {"harmless4", h.harmless4}}
                                  .dump(2);
      history_ = new History(h);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static std::optional<History> reuse(const std::string& stamp, const std::string& patch_text) {
    std::ifstream in(stamp);
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object() || j.value("patch", "") != patch_text) return std::nullopt;
    auto at = [&](const char* k) { return j.value(k, std::string()); };
    History h{at("tree"), at("base"), at("harmless1"), at("bug"), at("harmless2"), at("harmless3"), at("fix"), at("harmless4")};
    try {
      if (fs::exists(h.tree + "/.git/BISECT_START") || sh("git symbolic-ref HEAD", h.tree) != "refs/heads/main" ||
          sh("git rev-parse HEAD", h.tree) != h.harmless2 || !sh("git status --porcelain --untracked-files=no", h.tree).empty())
        return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
    return h;
  }
  void SetUp() override { ASSERT_NE(history_, nullptr) << setup_error_; }
  static History* history_;
  static std::string setup_error_;
};
History* KernelHistory::history_ = nullptr;
std::string KernelHistory::setup_error_;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace

// `cxlrig kernel build` on the Debian source yields a kernel that passes `cxlrig run`.
TEST_F(KernelHistory, BuiltBaseKernelPassesTheDefaultRun) {
  const auto& h = *history_;
  sh("git checkout -q " + h.base, h.tree);
  auto dir = fresh_out_dir("kernel-tree-base");
  auto r = run_cxlrig({"run", "--kernel-tree", h.tree}, dir, 3600);
  sh("git checkout -q main", h.tree);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.results["kernel"]["source"], "built");
  EXPECT_EQ(r.results["capabilities"]["kernel_build"]["commit"], h.base);
  EXPECT_TRUE(r.results["capabilities"]["kernel_build"]["kconfig_not_stuck"].empty());
  EXPECT_EQ(r.results["capabilities"]["driver:fsdev_dax"], true) << "fsdev_dax built in";
  EXPECT_TRUE(r.has("kernel-build.log"));
  // The rig builds vmlinux, not a bzImage, and QEMU enters it through PVH as it is.
  const std::string image = r.results["capabilities"]["kernel_build"].value("image", "");
  EXPECT_TRUE(image.ends_with("/vmlinux")) << image;
  EXPECT_EQ(r.results["kernel"]["boot"]["entry"], "pvh");
  EXPECT_EQ(r.results["kernel"]["boot"]["kernel"], image);
  // The rig's KCFLAGS (BuildEnvironment.h) reach kbuild's compiles, an external module's too
  // (when this run compiled them, not an earlier one whose kernel it reused).
  const auto& kb = r.results["capabilities"]["kernel_build"];
  const std::string result_dir = kb.value("result_dir", "");
  const bool built_here = !kb.value("reused", true);
  if (built_here) {
    size_t module_compiles = 0;
    for (const auto& e : fs::recursive_directory_iterator(result_dir + "/rig-modules")) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with(".") || !name.ends_with(".o.cmd") || name.ends_with(".mod.o.cmd")) continue;
      ++module_compiles;
      const std::string cmd = read_text(e.path().string());
      EXPECT_NE(cmd.find(std::string(" ") + cxlrig::kMacroTrackingOff + " "), std::string::npos) << e.path();
      EXPECT_NE(cmd.find(std::string(" ") + cxlrig::kIndentationWarningOff + " "), std::string::npos) << e.path();
    }
    EXPECT_GT(module_compiles, 0u) << "no compile of the rig's modules under " << result_dir;
    // Every make ran with mimalloc preloaded as its processes' malloc, where the rig has it
    // (ci/install-deps installs it, and ci/build requires it), and the kernel it gave passed
    // the run above. The rig's own lookup says where: the same one KernelBuild uses.
    if (const std::string mi = cxlrig::build_environment_inputs("").allocator; !mi.empty()) {
      size_t makes = 0;
      std::istringstream log(read_text(r.out_dir + "/kernel-build.log"));
      for (std::string line; std::getline(log, line);) {
        if (!line.starts_with("$ env ") || line.find(" make ") == std::string::npos) continue;
        ++makes;
        const auto at = line.find(" LD_PRELOAD=");
        ASSERT_NE(at, std::string::npos) << line;
        EXPECT_NE(line.substr(at, line.find(' ', at + 1) - at).find(mi), std::string::npos) << line;
      }
      EXPECT_GT(makes, 0u);
    }
  }
  // A first build's config pass writes auto.conf itself: the build runs no syncconfig.
  // It compiles without ccache (nothing to hit), and kbuild's command lines name plain gcc
  // either way, so the next build with ccache finds the objects up to date.
  const std::string first = "kernel: first build in ";
  if (const auto at = r.output.find(first); at != std::string::npos) {
    EXPECT_EQ(read_text(r.out_dir + "/kernel-build.log").find("SYNC    include/config/auto.conf"), std::string::npos);
    const auto from = at + first.size();
    const std::string obj = r.output.substr(from, r.output.find(": every object", from) - from);
    EXPECT_TRUE(fs::exists(obj + "/vmlinux")) << obj;
    if (!cxlrig::find_program("ccache").empty()) {
      EXPECT_NE(r.output.find("kernel: compiling without ccache"), std::string::npos) << r.output;
    }
    const std::string fork_cmd = read_text(obj + "/kernel/.fork.o.cmd");
    EXPECT_TRUE(fork_cmd.starts_with("savedcmd_kernel/fork.o := gcc ")) << fork_cmd.substr(0, 200);
    // With IBT (base.config) objtool runs once, on vmlinux.o, not after every compile.
    EXPECT_EQ(fork_cmd.substr(0, fork_cmd.find('\n')).find("objtool"), std::string::npos) << fork_cmd.substr(0, 200);
    EXPECT_NE(read_text(obj + "/.vmlinux.o.cmd").find("objtool --"), std::string::npos);
  }
}

// --boot bzimage on a tree builds the bzImage as well, and boots it through its own
// decompressor.
TEST_F(KernelHistory, BzImageIsBuiltAndBootedWhenAskedFor) {
  const auto& h = *history_;
  sh("git checkout -q " + h.base, h.tree);
  auto dir = fresh_out_dir("kernel-tree-bzimage");
  auto r = run_cxlrig({"run", "--kernel-tree", h.tree, "--boot", "bzimage"}, dir, 3600);
  sh("git checkout -q main", h.tree);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string image = r.results["capabilities"]["kernel_build"].value("image", "");
  EXPECT_TRUE(image.ends_with("/bzImage")) << image;
  EXPECT_EQ(r.results["kernel"]["boot"]["entry"], "bzimage");
}

// At a terminal a build shows objects done out of those the last build of this config
// compiled, with an ETA; piped (CI, logs) it prints only its step lines.
TEST_F(KernelHistory, BuildProgressShowsOnATerminalOnly) {
  const auto& h = *history_;
  sh("git checkout -q " + h.base, h.tree);
  auto tty = run_cxlrig_on_tty({"kernel", "build", "--tree", h.tree, "--rebuild"}, "", 1800);
  auto piped = run_cxlrig({"kernel", "build", "--tree", h.tree, "--rebuild"}, "", 1800);
  sh("git checkout -q main", h.tree);
  ASSERT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_NE(tty.output.find("\rkernel: vmlinux: "), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find(" objects of ~"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find(", ETA "), std::string::npos) << tty.output;
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find(" objects of ~"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\r'), std::string::npos) << piped.output;
}

TEST_F(KernelHistory, BisectNamesTheBugCommitAndLeavesTheTreeAsFound) {
  const auto& h = *history_;
  const std::string before_ref = sh("git symbolic-ref HEAD", h.tree);
  auto dir = fresh_out_dir("bisect-forward");
  auto r = run_cxlrig({"bisect", "--tree", h.tree, "--good", h.base, "--bad", h.harmless2, "--out", dir}, "", 3600);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("first bad commit: " + h.bug), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("compute the memory_failure offset from ranges[0]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fsdev_dax"), std::string::npos) << "the failing rows are shown\n" << r.output;
  auto j = read_json(dir + "/bisect.json");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["culprit"], h.bug);
  EXPECT_FALSE(j["failing_rows"].empty());
  EXPECT_TRUE(j["restored"].get<bool>());
  for (auto& s : j["steps"]) EXPECT_TRUE(fs::exists(s["out"].get<std::string>() + "/results.json")) << s;
  // As found: same branch, same commit, clean, no bisect in progress.
  EXPECT_EQ(sh("git symbolic-ref HEAD", h.tree), before_ref);
  EXPECT_EQ(sh("git rev-parse HEAD", h.tree), h.harmless2);
  EXPECT_EQ(sh("git status --porcelain --untracked-files=no", h.tree), "");
  EXPECT_FALSE(fs::exists(h.tree + "/.git/BISECT_START"));
}

TEST_F(KernelHistory, ReverseBisectNamesTheFix) {
  const auto& h = *history_;
  sh("git checkout -q inverse", h.tree);
  auto dir = fresh_out_dir("bisect-reverse");
  auto r = run_cxlrig({"bisect", "--reverse", "--tree", h.tree, "--bad", h.bug, "--good", h.harmless4, "--out", dir}, "",
                      3600);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("first fixed commit: " + h.fix), std::string::npos) << r.output;
  EXPECT_EQ(sh("git symbolic-ref HEAD", h.tree), "refs/heads/inverse");
  EXPECT_EQ(sh("git rev-parse HEAD", h.tree), h.harmless4);
  sh("git checkout -q main", h.tree);
}

TEST_F(KernelHistory, DirtyTreeIsRefusedAndUntouched) {
  const auto& h = *history_;
  const std::string file = h.tree + "/drivers/dax/bus.c";
  append_comment(file, "uncommitted");
  const std::string before = read_text(file);
  auto dir = fresh_out_dir("bisect-dirty");
  auto r = run_cxlrig({"bisect", "--tree", h.tree, "--good", h.base, "--bad", h.harmless2, "--out", dir}, "");
  const std::string after = read_text(file);
  sh("git checkout -q -- drivers/dax/bus.c", h.tree);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--tree"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("uncommitted"), std::string::npos) << r.output;
  EXPECT_EQ(before, after);
}

// A commit that does not build is skipped (125) by the step, with the compiler's error shown.
TEST_F(KernelHistory, CommitThatFailsToBuildIsASkipStep) {
  const auto& h = *history_;
  sh("git checkout -q -b broken-build " + h.base, h.tree);
  std::ofstream(h.tree + "/drivers/dax/bus.c", std::ios::app) << "this is not C;\n";
  const std::string broken = commit_all(h.tree, "dax: does not build");
  const std::string steps = fresh_out_dir("bisect-step-broken");
  fs::create_directories(steps);
  auto r = run_cxlrig({"bisect-step", "--steps", steps, "--kernel-tree", h.tree}, "", 1800);
  sh("git checkout -q main && git branch -q -D broken-build", h.tree);
  EXPECT_EQ(r.exit_code, 125) << r.output;
  EXPECT_NE(r.output.find("error:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("drivers/dax/bus.c"), std::string::npos) << r.output;
  auto step = read_json(steps + "/" + broken + "/results.json");
  ASSERT_TRUE(step.is_object());
  EXPECT_EQ(step["exit_code"], 125);
  EXPECT_TRUE(fs::exists(steps + "/" + broken + "/kernel-build.log"));
}

namespace {

// Every process below `root` (by parent pid), read from /proc.
std::vector<std::pair<int, std::string>> descendants(int root) {
  std::map<int, std::pair<int, std::string>> all;  // pid -> (ppid, comm)
  for (auto& e : fs::directory_iterator("/proc")) {
    const std::string n = e.path().filename().string();
    if (n.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_text(e.path() / "stat");
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 4 >= stat.size()) continue;
    if (stat[close + 2] == 'Z') continue;
    all[std::stoi(n)] = {std::stoi(stat.substr(close + 4)), stat.substr(open + 1, close - open - 1)};
  }
  std::vector<std::pair<int, std::string>> out;
  std::vector<int> todo = {root};
  while (!todo.empty()) {
    const int p = todo.back();
    todo.pop_back();
    for (auto& [pid, pc] : all)
      if (pc.first == p) {
        out.push_back({pid, pc.second});
        todo.push_back(pid);
      }
  }
  return out;
}

bool alive(int pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return !stat.empty() && close != std::string::npos && stat[close + 2] != 'Z';
}

// Starts `cxlrig args`, waits until a compiler runs below it, sends `sig`, and returns the
// compiler-side processes that were running (make, cc1, gcc, objtool) for the caller to
// check.
std::vector<std::pair<int, std::string>> kill_while_compiling(const std::vector<std::string>& args, int sig,
                                                               const std::string& log) {
  namespace bp = boost::process;
  bp::child c(CXLRIG_BIN, bp::args = args, (bp::std_out & bp::std_err) > log, bp::std_in < bp::null);
  std::vector<std::pair<int, std::string>> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (std::chrono::steady_clock::now() < deadline && c.running()) {
    seen = descendants(c.id());
    if (std::any_of(seen.begin(), seen.end(), [](auto& p) { return p.second == "cc1"; })) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(c.id(), sig);
  c.wait();
  std::vector<std::pair<int, std::string>> builders;
  for (auto& p : seen)
    if (p.second == "make" || p.second == "cc1" || p.second == "gcc" || p.second == "ccache" || p.second == "objtool")
      builders.push_back(p);
  return builders;
}

void touch_c_files(const std::string& dir) {
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".c") fs::last_write_time(e.path(), fs::file_time_type::clock::now());
}

}  // namespace

// A SIGINT or SIGKILL of `cxlrig kernel build`, or a SIGKILL of `cxlrig bisect` (a build two
// processes further down), leaves no make or compiler running, and the next build of the
// same tree and config works: make was told to stop first, so no half-written object is
// left to be taken for up to date.
TEST_F(KernelHistory, KilledBuildsLeaveNoCompilerAndTheNextBuildWorks) {
  const auto& h = *history_;
  struct Case {
    const char* what;
    std::vector<std::string> args;
    int sig;
  };
  const std::vector<Case> cases = {
      // --rebuild: a clean commit built before is otherwise reused without make.
      {"kernel build, SIGINT", {"kernel", "build", "--rebuild", "--tree", h.tree}, SIGINT},
      {"kernel build, SIGKILL", {"kernel", "build", "--rebuild", "--tree", h.tree}, SIGKILL},
      {"bisect, SIGKILL",
       {"bisect", "--rebuild", "--tree", h.tree, "--good", h.base, "--bad", h.harmless2, "--out",
        fresh_out_dir("bisect-killed")},
       SIGKILL},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& k = cases[i];
    touch_c_files(h.tree + "/mm");  // work for the compiler: ~70 objects
    const std::string log = fresh_out_dir("killed-build") + ".log";
    auto builders = kill_while_compiling(k.args, k.sig, log);
    EXPECT_FALSE(builders.empty()) << k.what << ": no compiler was seen running\n" << read_text(log);
    std::this_thread::sleep_for(std::chrono::seconds(5));  // SIGTERM, then SIGKILL after 3 s
    for (auto& [pid, comm] : builders) EXPECT_FALSE(alive(pid)) << k.what << ": " << comm << " " << pid << " survived";
    if (fs::exists(h.tree + "/.git/BISECT_START")) sh("git bisect reset main >/dev/null 2>&1", h.tree);
    sh("git checkout -q main", h.tree);
    auto again = run_cxlrig({"kernel", "build", "--rebuild", "--tree", h.tree}, "", 3600);
    EXPECT_EQ(again.exit_code, 0) << k.what << ": the next build failed\n" << again.output;
    // The last case's build finished in this object dir, so this one uses ccache, and
    // compiles what was touched, not everything: the command lines did not change with it.
    if (i > 0 && !cxlrig::find_program("ccache").empty()) {
      EXPECT_NE(again.output.find("kernel: compiling with ccache"), std::string::npos) << again.output;
      const auto built = again.output.find("kernel: built ");
      const auto paren = again.output.find(" s (", built);
      ASSERT_NE(paren, std::string::npos) << again.output;
      EXPECT_LT(std::stoul(again.output.substr(paren + 4)), 300u)
          << k.what << ": recompiled everything\n" << again.output;
    }
  }
}
