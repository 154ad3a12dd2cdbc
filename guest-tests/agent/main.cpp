// cxlrig guest agent: started by /init, speaks the protocol of AgentProtocol.h with the host
// over the virtio-serial port named proto::kPortName. One request at a time, in order.
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
namespace proto = cxlrig::proto;

namespace {

using Handler = std::function<json(const json&)>;

// Reads the op's Request (a malformed one is a protocol error, not a kernel refusal),
// runs the op, and writes its Reply.
template <class Op, class F>
std::pair<std::string, Handler> serve(F handler) {
  return {Op::name, [handler](const json& args) -> json {
            typename Op::Request req;
            try {
              req = args.get<typename Op::Request>();
            } catch (const std::exception& e) {
              throw agent::StepError(std::string("malformed request to ") + Op::name + ": " + e.what(),
                                     proto::kProtocolErrno);
            }
            typename Op::Reply reply = handler(req);
            return json(reply);
          }};
}

std::string find_port() {
  for (auto& p : agent::list_dir("/sys/class/virtio-ports")) {
    try {
      if (agent::read_attr("/sys/class/virtio-ports/" + p + "/name") == proto::kPortName) return "/dev/" + p;
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

proto::Empty op_shutdown(const proto::Empty&) {
  ::sync();
  ::reboot(RB_POWER_OFF);
  return {};
}

}  // namespace

int main() {
  std::string port;
  if (!agent::wait_for([&] { return !(port = find_port()).empty() && agent::exists(port); }, 15000)) {
    fprintf(stderr, "cxlrig-agent: no virtio port named %s\n", proto::kPortName);
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
  const std::map<std::string, Handler> ops = {
      serve<proto::Info>(agent::op_info),
      serve<proto::LoadModules>(agent::op_load_modules),
      serve<proto::KprobesArm>(agent::op_kprobes_arm),
      serve<proto::CxlCreateRegion>(agent::op_cxl_create_region),
      serve<proto::DaxCreate>(agent::op_dax_create),
      serve<proto::DaxLayout>(agent::op_dax_layout),
      serve<proto::DaxBind>(agent::op_dax_bind),
      serve<proto::DaxMmap>(agent::op_dax_mmap),
      serve<proto::DaxTeardown>(agent::op_dax_teardown),
      serve<proto::DaxRangeLimit>(agent::op_dax_range_limit),
      serve<proto::DaxWrite>(agent::op_dax_write),
      serve<proto::ObserveBegin>(agent::op_observe_begin),
      serve<proto::Collect>(agent::op_collect),
      serve<proto::Inject>(agent::op_inject),
      serve<proto::CxlPoison>(agent::op_cxl_poison),
      serve<proto::CxlDcdProbe>(agent::op_cxl_dcd_probe),
      serve<proto::NdDevdaxCreate>(agent::op_nd_devdax_create),
      serve<proto::RaceRun>(agent::op_race_run),
      serve<proto::Holder>(agent::op_holder),
      serve<proto::Shutdown>(op_shutdown),
  };
  json ready = agent::op_info({});
  ready["event"] = proto::kReadyEvent;
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
        json req;
        std::string op;
        try {
          req = json::parse(line);
          id = req.at("id").get<uint64_t>();
          op = req.at("op").get<std::string>();
        } catch (const std::exception& e) {
          throw agent::StepError(std::string("malformed request envelope: ") + e.what(), proto::kProtocolErrno);
        }
        auto it = ops.find(op);
        if (it == ops.end()) throw agent::StepError("unknown op " + op, proto::kProtocolErrno);
        reply = {{"id", id}, {"ok", true}, {"result", it->second(req.at("args"))}};
      } catch (const agent::StepError& e) {
        reply = {{"id", id}, {"ok", false}, {"error", proto::Error{e.what(), e.err, e.path, e.value}}};
      } catch (const std::exception& e) {
        reply = {{"id", id}, {"ok", false}, {"error", proto::Error{std::string("agent error: ") + e.what(), 0, "", ""}}};
      }
      send_line(fd, reply);
    }
  }
}
