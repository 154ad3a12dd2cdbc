// What each candidate kernel command line argument saves on a whole `cxlrig run` under TCG:
// every variant runs N times (default 3) on the same kernel and topology, and the bench
// prints the median boot phase (QEMU start to the agent's ready event) and total wall,
// with the saving against the baseline. The run's own --kernel-arg list is the variant.
//
// Usage: cxlrig_boot_bench [N] [-- run args...]   (e.g. -- --kernel-image K/vmlinux --modules DIR)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Median.h"
#include "Subprocess.h"

namespace {

struct Variant {
  const char* name;
  std::vector<std::string> flags;  // `cxlrig run` flags: --kernel-arg=..., --boot=...
};

// Candidates: what a generic kernel does at boot that the guest does not need. Each is
// measured alone; "all" is their union. The "+" rows put back what the rig's default
// leaves out (the bzImage's own decompressor, the crypto self-tests): a negative saving
// is what the default saves.
const std::vector<Variant> kVariants = {
    {"baseline", {}},
    {"+bzImage entry", {"--boot=bzimage"}},
    {"+crypto tests", {"--kernel-arg=cryptomgr.notests=0"}},
    {"quiet", {"--kernel-arg=quiet"}},
    {"rodata=off", {"--kernel-arg=rodata=off"}},
    {"init_on_alloc=0", {"--kernel-arg=init_on_alloc=0"}},
    {"no cert load", {"--kernel-arg=initcall_blacklist=load_system_certificate_list"}},
    {"lsm=none", {"--kernel-arg=lsm=capability"}},
    {"all", {"--kernel-arg=rodata=off", "--kernel-arg=init_on_alloc=0",
             "--kernel-arg=initcall_blacklist=load_system_certificate_list", "--kernel-arg=lsm=capability"}},
};

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 && std::string(argv[1]) != "--" ? std::stoi(argv[1]) : 3;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") extra.assign(argv + i + 1, argv + argc);
  const std::string base = std::filesystem::temp_directory_path() / "cxlrig-boot-bench";
  std::filesystem::remove_all(base);
  double base_boot = 0, base_wall = 0;
  std::printf("%-18s %10s %10s %10s %10s\n", "variant", "boot s", "saves s", "wall s", "saves s");
  for (auto& v : kVariants) {
    std::vector<double> boot, wall;
    for (int i = 0; i < runs; ++i) {
      const std::string out = base + "/" + std::to_string(&v - kVariants.data()) + "-" + std::to_string(i);
      std::vector<std::string> cmd{CXLRIG_BIN, "run", "--out", out};
      cmd.insert(cmd.end(), extra.begin(), extra.end());
      cmd.insert(cmd.end(), v.flags.begin(), v.flags.end());
      const auto t0 = std::chrono::steady_clock::now();
      auto r = cxlrig::run_command(cmd, std::chrono::seconds(900));
      const double w = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r.exit_code != 0) {
        std::fprintf(stderr, "%s run %d exited %d:\n%s\n", v.name, i, r.exit_code, r.tail(12).c_str());
        return 1;
      }
      std::ifstream in(out + "/results.json");
      auto j = nlohmann::json::parse(in);
      for (auto& p : j["phases"])
        if (p["name"] == "boot") boot.push_back(p["ms"].get<double>() / 1000);
      wall.push_back(w);
    }
    const double b = median(boot), w = median(wall);
    if (&v == &kVariants.front()) base_boot = b, base_wall = w;
    std::printf("%-18s %10.2f %10.2f %10.2f %10.2f\n", v.name, b, base_boot - b, w, base_wall - w);
    std::fflush(stdout);
  }
  return 0;
}
