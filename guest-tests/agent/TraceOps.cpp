// tracefs kprobe events and /dev/kmsg, read around each injection.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

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

// A window's events come from trace_pipe, read without blocking and kept here, not from
// `trace`: opening `trace` stops tracing while it is open (options/pause-on-trace, on by
// default; __tracing_open()), so an event of a memory_failure() running meanwhile in a
// kworker would be lost to the agent's polls; and clearing `trace` (O_TRUNC) waits in
// ring_buffer_reset_online_cpus() for an RCU grace period, several ms a window under TCG.
namespace {
int g_pipe = -1;
std::string g_partial;
std::vector<std::string> g_window;

void pipe_drain(bool keep) {
  if (g_pipe < 0) g_pipe = ::open((kTrace + "trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (g_pipe < 0) return;  // no tracefs: the window has no events
  char chunk[8192];
  for (;;) {
    const ssize_t n = ::read(g_pipe, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: nothing more buffered
    g_partial.append(chunk, static_cast<size_t>(n));
  }
  for (size_t nl; (nl = g_partial.find('\n')) != std::string::npos;) {
    if (keep && nl > 0) g_window.push_back(g_partial.substr(0, nl));
    g_partial.erase(0, nl + 1);
  }
}
}  // namespace

void trace_clear() {
  pipe_drain(false);
  g_partial.clear();
  g_window.clear();
}

const std::vector<std::string>& trace_read() {
  pipe_drain(true);
  return g_window;
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
