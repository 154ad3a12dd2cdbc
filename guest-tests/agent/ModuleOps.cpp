// Module loading and capability discovery.
#include <fcntl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {

json op_load_modules(const json& args) {
  json loaded = json::array();
  for (auto& m : args.at("modules")) {
    std::string path = "/lib/modules/" + m.get<std::string>() + ".ko";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw StepError("module file missing from initramfs", errno, path);
    long rc = ::syscall(SYS_finit_module, fd, "", 0);
    int e = errno;
    ::close(fd);
    if (rc != 0 && e != EEXIST) throw StepError("finit_module failed", e, path);
    loaded.push_back(m);
  }
  return {{"loaded", loaded}};
}

namespace {

// The kernel log so far (the boot messages while it has not wrapped).
std::string kernel_log() {
  int size = ::klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, nullptr, 0);
  if (size <= 0) return "";
  std::string buf(static_cast<size_t>(size), '\0');
  int n = ::klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf.data(), size);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

}  // namespace

json op_info(const json&) {
  utsname u{};
  ::uname(&u);
  json caps = json::object();
  for (auto& d : list_dir("/sys/bus/dax/drivers")) caps["driver:" + d] = true;
  caps["tracefs"] = exists("/sys/kernel/tracing/kprobe_events");
  caps["poison:corrupt_pfn"] = exists("/sys/kernel/debug/hwpoison/corrupt-pfn");
  caps["poison:unpoison_pfn"] = exists("/sys/kernel/debug/hwpoison/unpoison-pfn");
  caps["poison:hard_offline"] = exists("/sys/devices/system/memory/hard_offline_page");
  caps["poison:madvise"] = caps["poison:hard_offline"];  // both need CONFIG_MEMORY_FAILURE
  caps["cxl"] = exists("/sys/bus/cxl/devices");
  // Host-raised MCEs need the guest's machine-check handler (CONFIG_X86_MCE); the AR one
  // also needs an isolated vCPU for its consumer (the rig boots with isolcpus).
  caps["poison:mce_ao"] = exists("/sys/devices/system/machinecheck/machinecheck0");
  std::string iso = exists("/sys/devices/system/cpu/isolated") ? read_attr("/sys/devices/system/cpu/isolated") : "";
  caps["poison:mce_ar"] = caps["poison:mce_ao"].get<bool>() && !iso.empty();
  if (!iso.empty()) caps["isolated_cpu"] = std::stoi(iso);
  caps["vcpus"] = ::sysconf(_SC_NPROCESSORS_ONLN);
  caps["poison:cxl_debugfs"] = exists("/sys/kernel/debug/cxl");
  caps["poison:cxl_qmp"] = exists("/sys/kernel/tracing/events/cxl/cxl_poison");
  // Debug kernels: KASAN announces itself at boot, KCSAN and lockdep leave files behind.
  caps["kasan"] = kernel_log().find("KernelAddressSanitizer initialized") != std::string::npos;
  caps["kcsan"] = exists("/sys/kernel/debug/kcsan");
  caps["lockdep"] = exists("/proc/lockdep");
  return {{"kernel", u.release}, {"machine", u.machine}, {"caps", caps}};
}

}  // namespace agent
