// cxlrig guest agent: started by /init, speaks JSON lines with the host over the
// virtio-serial port named org.cxlrig.agent. One request at a time, in order.
#include <fcntl.h>
#include <sys/reboot.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>

#include "Ops.h"
#include "Sysfs.h"

using agent::json;

namespace {

constexpr const char* kPortName = "org.cxlrig.agent";

std::string find_port() {
  for (auto& p : agent::list_dir("/sys/class/virtio-ports")) {
    try {
      if (agent::read_attr("/sys/class/virtio-ports/" + p + "/name") == kPortName) return "/dev/" + p;
    } catch (const agent::StepError&) {
    }
  }
  return {};
}

void send_line(int fd, const json& j) {
  std::string s = j.dump() + "\n";
  for (size_t off = 0; off < s.size();) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    off += n;
  }
}

json op_shutdown(const json&) {
  ::sync();
  ::reboot(RB_POWER_OFF);
  return {};
}

}  // namespace

int main() {
  std::string port;
  if (!agent::wait_for([&] { return !(port = find_port()).empty() && agent::exists(port); }, 15000)) {
    fprintf(stderr, "cxlrig-agent: no virtio port named %s\n", kPortName);
    ::reboot(RB_POWER_OFF);
    return 1;
  }
  int fd = ::open(port.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "cxlrig-agent: open %s: %s\n", port.c_str(), strerror(errno));
    ::reboot(RB_POWER_OFF);
    return 1;
  }
  agent::kmsg_open();
  const std::map<std::string, std::function<json(const json&)>> ops = {
      {"info", agent::op_info},
      {"load_modules", agent::op_load_modules},
      {"cxl_create_region", agent::op_cxl_create_region},
      {"dax_create", agent::op_dax_create},
      {"dax_layout", agent::op_dax_layout},
      {"dax_bind", agent::op_dax_bind},
      {"dax_mmap", agent::op_dax_mmap},
      {"kprobes_arm", agent::op_kprobes_arm},
      {"inject", agent::op_inject},
      {"observe_begin", agent::op_observe_begin},
      {"collect", agent::op_collect},
      {"cxl_poison", agent::op_cxl_poison},
      {"cxl_dcd_probe", agent::op_cxl_dcd_probe},
      {"nd_devdax_create", agent::op_nd_devdax_create},
      {"dax_teardown", agent::op_dax_teardown},
      {"dax_range_limit", agent::op_dax_range_limit},
      {"shutdown", op_shutdown},
  };
  json ready = agent::op_info({});
  ready["event"] = "ready";
  send_line(fd, ready);

  std::string buf;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // host not connected yet or went away: keep waiting
      agent::sleep_ms(20);
      continue;
    }
    buf.append(chunk, n);
    for (size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      json reply;
      uint64_t id = 0;
      try {
        json req = json::parse(line);
        id = req.at("id").get<uint64_t>();
        reply["id"] = id;
        auto it = ops.find(req.at("op").get<std::string>());
        if (it == ops.end()) throw agent::StepError("unknown op " + req.at("op").get<std::string>(), ENOSYS);
        reply["result"] = it->second(req.value("args", json::object()));
        reply["ok"] = true;
      } catch (const agent::StepError& e) {
        reply = {{"id", id}, {"ok", false}, {"error", {{"msg", e.what()}, {"errno", e.err}, {"path", e.path}, {"value", e.value}}}};
      } catch (const std::exception& e) {
        reply = {{"id", id}, {"ok", false}, {"error", {{"msg", std::string("bad request: ") + e.what()}}}};
      }
      send_line(fd, reply);
    }
  }
}
