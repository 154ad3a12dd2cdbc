// Module loading and capability discovery.
#include <fcntl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {

proto::LoadModules::Reply op_load_modules(const proto::LoadModules::Request& req) {
  proto::LoadModules::Reply out;
  for (auto& m : req.modules) {
    std::string path = "/lib/modules/" + m + ".ko";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw StepError("module file missing from initramfs", errno, path);
    long rc = ::syscall(SYS_finit_module, fd, "", 0);
    int e = errno;
    ::close(fd);
    if (rc != 0 && e != EEXIST) throw StepError("finit_module failed", e, path);
    out.loaded.push_back(m);
  }
  return out;
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

// A syscall the kernel was built without answers ENOSYS (kernel/sys_ni.c); a zero-length
// call does nothing where it exists.
bool syscall_present(const std::string& name) {
  long rc = -1;
  errno = 0;
  if (name == "madvise") rc = ::syscall(SYS_madvise, nullptr, 0, 0 /* MADV_NORMAL */);
  else return false;
  return rc == 0 || errno != ENOSYS;
}

bool probe(const proto::Capability& c, const std::string& log) {
  switch (c.probe) {
    case proto::Probe::kPathExists: return exists(c.arg);
    case proto::Probe::kNonEmptyFile:
      try {
        return exists(c.arg) && !read_attr(c.arg).empty();
      } catch (const StepError&) {
        return false;
      }
    case proto::Probe::kKernelLog: return log.find(c.arg) != std::string::npos;
    case proto::Probe::kSyscall: return syscall_present(c.arg);
    case proto::Probe::kHost: break;
  }
  return false;
}

}  // namespace

proto::Info::Reply op_info(const proto::Empty&) {
  utsname u{};
  ::uname(&u);
  proto::Info::Reply out;
  out.kernel = u.release;
  out.machine = u.machine;
  const std::string log = kernel_log();
  for (auto& c : proto::kCapabilities)
    if (c.probe != proto::Probe::kHost) out.caps[c.key] = probe(c, log);
  out.vcpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  const std::string iso = "/sys/devices/system/cpu/isolated";
  if (exists(iso) && !read_attr(iso).empty()) out.isolated_cpu = std::stoi(read_attr(iso));
  return out;
}

}  // namespace agent
