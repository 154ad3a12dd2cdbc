// The compile floor of a built kernel config, and what compiler flags would change of it.
// kbuild's own command lines (the .cmd files of an object dir `cxlrig kernel build` made)
// are compiled again for every Nth kernel object: the compile and its objtool pass, without
// ccache, into a scratch dir (the object dir is never written), in the environment a
// kernel build gives make (BuildEnvironment.h: the huge-page preload, mimalloc). With flags,
// each object is compiled with and without them; with --without-thp, in that environment
// and without the preload and tunable; with --without-mimalloc, in it and without
// mimalloc. The two alternate in order from pass to pass, so a drift of the machine falls
// on both. CPU is the children's rusage (user + sys). With flags it also says how many
// objects came out byte-identical: a flag that changes only the compiler's work, not the
// kernel, is one a test rig can take.
// The aim is issue 13's: a 300 s full build on this machine's cores holds 300 s x cores of
// CPU, and the whole build's compile, at the sampled rate, has to fit in it.
// Usage: cxlrig_cflags_bench OBJDIR [--every N] [--passes P] [--without-thp | --without-mimalloc | -- FLAG...]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "BuildEnvironment.h"
#include "ChildrenCpu.h"
#include "Median.h"
#include "Subprocess.h"
#include "TextFile.h"

namespace fs = std::filesystem;

namespace {

struct Compile {
  std::string target;  // kernel/fork.o, relative to the object dir
  std::string command;
};

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// `savedcmd_kernel/fork.o := gcc ... -c -o kernel/fork.o SRC ; objtool ... kernel/fork.o`
// (scripts/Makefile.lib's cmd_and_fixdep; `ccache gcc` in an object dir of a rig from
// before 2026-12-05). Only kernel objects: host tools have no -D__KERNEL__, and ld -r / ar
// lines no -c.
std::optional<Compile> kernel_compile(const fs::path& cmd_file) {
  std::ifstream in(cmd_file);  // the command is the first line; the rest are its dependencies
  std::string line;
  std::getline(in, line);
  const auto assign = line.find(" := ");
  if (line.rfind("savedcmd_", 0) != 0 || assign == std::string::npos) return std::nullopt;
  Compile c{line.substr(9, assign - 9), line.substr(assign + 4)};
  if (!c.target.ends_with(".o")) return std::nullopt;
  if (c.command.find(" -D__KERNEL__ ") == std::string::npos || c.command.find(" -c ") == std::string::npos)
    return std::nullopt;
  if (c.command.rfind("ccache ", 0) == 0) c.command.erase(0, 7);
  return c;
}

// The same command writing to `scratch` (object and depfile), with `flags` before -c, after
// kbuild's own (a later -O wins over the kernel's).
std::string retargeted(const Compile& c, const std::string& scratch, const std::vector<std::string>& flags) {
  std::string out;
  bool flags_done = flags.empty();
  for (const auto& w : words(c.command)) {
    std::string x = w;
    if (x == c.target) x = scratch;
    else if (x.rfind("-Wp,-MMD,", 0) == 0) x = "-Wp,-MMD," + scratch + ".d";
    if (!flags_done && x == "-c") {
      for (const auto& f : flags) out += f + " ";
      flags_done = true;
    }
    out += x + " ";
  }
  return out;
}

double cpu_of(const std::string& objdir, std::vector<std::string> env, const std::string& command,
              const std::string& target) {
  const double before = children_cpu_seconds();
  env.insert(env.begin(), "env");
  env.insert(env.end(), {"/bin/sh", "-c", command});
  const auto r = cxlrig::run_command(env, std::chrono::minutes(10), objdir);
  if (r.exit_code != 0) throw std::runtime_error("compiling " + target + " failed:\n" + r.tail(20));
  return children_cpu_seconds() - before;
}

int usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "%s\nusage: %s OBJDIR [--every N] [--passes P] [--without-thp | --without-mimalloc | -- FLAG...]\n"
                       "  OBJDIR: an object dir of `cxlrig kernel build` (CACHE/kbuild/obj-*)\n",
               why.c_str(), argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0], "no OBJDIR");
  const fs::path objdir = fs::absolute(argv[1]);
  size_t every = 18, passes = 3;
  std::vector<std::string> flags;
  bool without_thp = false, without_mimalloc = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      flags.assign(argv + i + 1, argv + argc);
      break;
    }
    if (a == "--without-thp") {
      without_thp = true;
    } else if (a == "--without-mimalloc") {
      without_mimalloc = true;
    } else if ((a == "--every" || a == "--passes") && i + 1 < argc) {
      const long v = std::atol(argv[++i]);
      if (v < 1) return usage(argv[0], a + " must be a positive number, not " + argv[i]);
      (a == "--every" ? every : passes) = size_t(v);
    } else {
      return usage(argv[0], "unknown argument " + a);
    }
  }
  if (!fs::is_directory(objdir)) return usage(argv[0], objdir.string() + " is not a directory");
  if (int(without_thp) + int(without_mimalloc) + int(!flags.empty()) > 1)
    return usage(argv[0], "--without-thp, --without-mimalloc and flags: one comparison at a time");
  // The build's environment, and the same without what --without-* names.
  const auto inputs = cxlrig::build_environment_inputs("");
  if (without_thp && inputs.thp_preload.empty())
    return usage(argv[0], "--without-thp: no cxlrig-thp-preload.so beside the rig (build it first)");
  if (without_mimalloc && inputs.allocator.empty())
    return usage(argv[0], "--without-mimalloc: the rig was configured without libmimalloc.so.2 (install "
                          "libmimalloc2.0, then run cmake again)");
  const auto build_env = cxlrig::kernel_build_environment(inputs);
  auto plain_inputs = inputs;
  if (without_thp) plain_inputs.huge_pages = false;
  if (without_mimalloc) plain_inputs.allocator.clear();
  const auto plain_env = cxlrig::kernel_build_environment(plain_inputs);

  std::vector<fs::path> cmd_files;
  for (const auto& e : fs::recursive_directory_iterator(objdir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > 6 && name[0] == '.' && name.ends_with(".o.cmd"))
      cmd_files.push_back(e.path());
  }
  std::sort(cmd_files.begin(), cmd_files.end());  // the same sample on every run
  std::vector<Compile> all;
  for (const auto& f : cmd_files)
    if (auto c = kernel_compile(f)) all.push_back(*c);
  if (all.empty())
    return usage(argv[0], "no kernel object's .cmd file under " + objdir.string() + ": build it first");
  std::vector<Compile> sample;
  for (size_t i = every - 1; i < all.size(); i += every) sample.push_back(all[i]);
  if (sample.empty()) sample.push_back(all.front());

  const fs::path scratch = fs::temp_directory_path() / "cxlrig-cflags-bench";
  fs::create_directories(scratch);
  const bool comparing = !flags.empty() || without_thp || without_mimalloc;
  // CPU without [0] and with [1] the change. Each pass's ratio and each object's own are
  // kept too: one pass of a flag that changes nothing has printed 1.12 here, so a reader
  // needs the spread beside the total.
  double total[2] = {0, 0};
  std::vector<double> pass_ratios, object_ratios;
  std::vector<std::string> differing;
  try {
    for (size_t p = 0; p < passes; ++p) {
      double pass_cpu[2] = {0, 0};
      for (size_t i = 0; i < sample.size(); ++i) {
        const std::string obj = (scratch / ("o" + std::to_string(i) + ".o")).string();
        const std::string obj_with = (scratch / ("o" + std::to_string(i) + ".with.o")).string();
        struct Run {
          const std::vector<std::string>* env;
          std::string command;
          int side;  // 0: the base, 1: with the change
        };
        std::vector<Run> runs = {{&build_env, retargeted(sample[i], obj, {}), 0}};
        if (!flags.empty()) runs.push_back({&build_env, retargeted(sample[i], obj_with, flags), 1});
        if (without_thp || without_mimalloc) runs.push_back({&plain_env, retargeted(sample[i], obj, {}), 1});
        if (p % 2) std::reverse(runs.begin(), runs.end());
        double cpu[2] = {0, 0};
        for (const auto& r : runs) cpu[r.side] = cpu_of(objdir, *r.env, r.command, sample[i].target);
        for (int side : {0, 1}) pass_cpu[side] += cpu[side], total[side] += cpu[side];
        if (comparing && cpu[0] > 0) object_ratios.push_back(cpu[1] / cpu[0]);
        // Whether the flags change the code, or only the compiler's work (objtool has
        // run on both, as kbuild runs it).
        if (p == 0 && !flags.empty() && cxlrig::read_text_file(obj) != cxlrig::read_text_file(obj_with))
          differing.push_back(sample[i].target);
      }
      if (comparing && pass_cpu[0] > 0) pass_ratios.push_back(pass_cpu[1] / pass_cpu[0]);
      std::fprintf(stderr, "pass %zu of %zu done\n", p + 1, passes);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fs::remove_all(scratch);
    return 1;
  }
  fs::remove_all(scratch);

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double aim = 300.0 * cores;
  const double per = total[0] / passes / sample.size();
  std::printf("kernel objects in %s: %zu; sampled every %zu: %zu, %zu passes\n", objdir.c_str(), all.size(), every,
              sample.size(), passes);
  std::printf("%-52s %10s %10s %6s\n", "figure", "value", "aim", "ratio");
  std::printf("%-52s %9.3fs\n", "CPU per object (compile + objtool, no ccache)", per);
  std::printf("%-52s %9.0fs %9.0fs %6.2f\n", "the whole build's compiles at that rate (core-s)", per * all.size(), aim,
              per * all.size() / aim);
  if (comparing) {
    std::string joined = without_thp ? "no huge-page preload" : without_mimalloc ? "glibc's malloc" : "";
    for (const auto& f : flags) joined += (joined.empty() ? "" : " ") + f;
    const double per_with = total[1] / passes / sample.size();
    std::printf("%-52s %9.3fs %10s %6.3f\n", ("CPU per object with " + joined).c_str(), per_with, "base",
                per_with / per);
    std::printf("%-52s", "  the ratio of each pass");
    for (size_t k = 0; k < pass_ratios.size(); ++k) std::printf("%s%.3f", k ? ", " : " ", pass_ratios[k]);
    std::printf("\n");
    std::printf("%-52s %10s %10s %6.3f\n", "  the median of the objects' own ratios", "", "", median(object_ratios));
    if (!flags.empty()) {
      std::printf("%-52s %6zu of %zu\n", "objects byte-identical with the flags",
                  sample.size() - differing.size(), sample.size());
      for (const auto& t : differing) std::printf("  differs: %s\n", t.c_str());
    }
  }
  return 0;
}
