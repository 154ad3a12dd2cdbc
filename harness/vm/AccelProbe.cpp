#include "AccelProbe.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "InputError.h"
#include "Subprocess.h"

namespace cxlrig {
namespace {

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string s;
  std::getline(in, s);
  return s;
}

bool kvm_device_usable() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

AccelChoice choose_accel(const std::string& mode, const std::string& qemu, const std::string& kernel,
                         const std::string& cache_dir) {
  if (mode == "tcg") return {Accel::kTcg, "requested"};
  if (mode != "auto" && mode != "kvm") throw InputError("--accel", "unknown accelerator \"" + mode + "\"", "use auto, kvm or tcg");
  if (!kvm_device_usable()) {
    if (mode == "kvm") throw InfraError("--accel kvm: /dev/kvm cannot be opened");
    return {Accel::kTcg, "/dev/kvm not usable"};
  }
  const std::string cache = cache_dir + "/accel-probe.json";
  const std::string id = boot_id();
  try {
    std::ifstream in(cache);
    auto j = nlohmann::json::parse(in);
    if (j.at("boot_id") == id && j.at("qemu") == qemu) {
      bool ok = j.at("kvm_works").get<bool>();
      if (mode == "kvm" && !ok) throw InfraError("--accel kvm: KVM probe failed earlier on this boot (" + j.value("why", "") + ")");
      return {ok ? Accel::kKvm : Accel::kTcg, std::string("cached probe: ") + j.value("why", "")};
    }
  } catch (const InfraError&) {
    throw;
  } catch (...) {
  }
  // Boot to the kernel's "no init" panic: a working KVM gets there in about a second.
  auto r = run_command({qemu, "-accel", "kvm", "-cpu", "host", "-machine", "q35", "-m", "256M", "-nodefaults",
                        "-display", "none", "-no-reboot", "-serial", "stdio", "-kernel", kernel, "-append",
                        "console=ttyS0 panic=-1 rdinit=/cxlrig-no-such-init init=/cxlrig-no-such-init"},
                       std::chrono::seconds(10));
  bool ok = !r.timed_out && r.output.find("Linux version") != std::string::npos;
  std::string why = ok ? "KVM guest booted" : r.timed_out ? "KVM guest hung (nested KVM?)" : "KVM guest failed to start";
  std::filesystem::create_directories(cache_dir);
  std::ofstream(cache) << nlohmann::json{{"boot_id", id}, {"qemu", qemu}, {"kvm_works", ok}, {"why", why}}.dump();
  if (mode == "kvm" && !ok) throw InfraError("--accel kvm: " + why);
  return {ok ? Accel::kKvm : Accel::kTcg, why};
}

}  // namespace cxlrig
