// tracefs kprobe events and /dev/kmsg, read around each injection.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {
const std::string kTrace = "/sys/kernel/tracing/";
int g_kmsg = -1;
}  // namespace

proto::KprobesArm::Reply op_kprobes_arm(const proto::KprobesArm::Request& req) {
  proto::KprobesArm::Reply out;
  for (auto& p : req.probes) {
    int fd = ::open((kTrace + "kprobe_events").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
      out.failed.push_back({p.event, errno, "cannot open kprobe_events"});
      continue;
    }
    ssize_t n = ::write(fd, p.definition.data(), p.definition.size());
    int e = errno;
    ::close(fd);
    if (n < 0) {
      out.failed.push_back({p.event, e, "kprobe definition refused (symbol missing?)"});
      continue;
    }
    write_attr(kTrace + "events/kprobes/" + p.event + "/enable", "1");
    out.armed.push_back(p.event);
  }
  write_attr(kTrace + "tracing_on", "1");
  return out;
}

void trace_clear() {
  int fd = ::open((kTrace + "trace").c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd >= 0) ::close(fd);
}

std::vector<std::string> trace_read() {
  std::vector<std::string> out;
  if (!exists(kTrace + "trace")) return out;
  std::istringstream in(read_attr(kTrace + "trace"));
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] != '#') out.push_back(l);
  return out;
}

void kmsg_open() {
  if (g_kmsg >= 0) return;
  g_kmsg = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (g_kmsg >= 0) ::lseek(g_kmsg, 0, SEEK_END);
}

std::vector<std::string> kmsg_drain() {
  kmsg_open();
  std::vector<std::string> out;
  if (g_kmsg < 0) return out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(g_kmsg, buf, sizeof buf - 1);
    if (n < 0) {
      if (errno == EPIPE) continue;  // records were overwritten: skip ahead
      break;                         // EAGAIN: nothing more
    }
    std::string rec(buf, n);
    while (!rec.empty() && rec.back() == '\n') rec.pop_back();
    auto nl = rec.find('\n');  // continuation lines carry dictionary fields
    out.push_back(nl == std::string::npos ? rec : rec.substr(0, nl));
  }
  return out;
}

}  // namespace agent
