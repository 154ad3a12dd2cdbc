#include "Vm.h"

#include <stdlib.h>

#include <filesystem>

#include "InputError.h"
#include "Interrupt.h"

namespace fs = std::filesystem;
using boost::asio::local::stream_protocol;

namespace cxlrig {

Vm::Vm(boost::asio::io_context& ioc, const Topology& topo, const BootSpec& boot, Accel accel, const BackendSpec& backend,
       VmLogs logs, ConsoleWatch& console)
    : ioc_(ioc), logs_(std::move(logs)), console_log_(logs_.console, std::ios::binary | std::ios::trunc),
      agent_log_(logs_.agent, std::ios::trunc), watch_(console) {
  // Unix socket paths are limited to 108 bytes: keep them short, out of the artifacts dir.
  char tmpl[] = "/tmp/cxlrig-XXXXXX";
  if (!mkdtemp(tmpl)) throw InfraError("mkdtemp failed");
  sock_dir_ = tmpl;
  sockets_ = {sock_dir_ + "/qmp", sock_dir_ + "/con", sock_dir_ + "/agent"};
  auto listen = [&](const std::string& p) { return std::make_unique<Acceptor>(ioc_, stream_protocol::endpoint(p)); };
  con_acc_ = listen(sockets_.console);
  agent_acc_ = listen(sockets_.agent);
  BootSpec b = boot;
  b.scratch_dir = sock_dir_;
  std::ofstream(logs_.qmp, std::ios::trunc);
  backend_ = make_backend(ioc_, backend, topo, b, sockets_, accel, logs_);
}

Vm::~Vm() {
  kill();
  std::error_code ec;
  fs::remove_all(sock_dir_, ec);
}

void Vm::kill() {
  if (backend_) {
    // A backend may drop its monitor on teardown; the events stay reportable.
    if (QmpPort* q = backend_->qmp()) kept_events_ = q->events();
    backend_->kill();
  }
  // Let the last console bytes reach the log.
  if (ioc_.stopped()) ioc_.restart();
  ioc_.poll();
  console_log_.flush();
  agent_log_.flush();
}

void Vm::start(Millis connect_timeout) {
  con_acc_->async_accept([this](boost::system::error_code ec, stream_protocol::socket s) {
    if (ec) return;
    console_ = std::make_unique<LineChannel>(
        std::move(s), [this](const std::string& l) { watch_.line(l); },
        [this](std::string_view b) {
          console_log_.write(b.data(), b.size());
          console_log_.flush();  // a hang or a kill must not lose the last words
        });
    console_->start();
  });
  agent_acc_->async_accept([this](boost::system::error_code ec, stream_protocol::socket s) {
    if (ec) return;
    agent_ = std::make_unique<LineChannel>(std::move(s), [this](const std::string& l) { on_agent_line(l); });
    agent_->start();
  });
  backend_->launch();
  wait([&] { return console_ && agent_ && backend_->qmp() && backend_->qmp()->ready(); }, connect_timeout,
       "QEMU to connect its sockets");
}

const std::vector<QmpMessage>& Vm::qmp_events() {
  return backend_->qmp() ? backend_->qmp()->events() : kept_events_;
}

void Vm::on_agent_line(const std::string& line) {
  agent_log_ << "<- " << line << '\n';
  agent_log_.flush();
  AgentReply r = parse_agent_line(line);  // a malformed reply throws out of the loop
  if (!r.event.empty()) {
    if (r.event == proto::kReadyEvent) ready_ = r.result;
    return;
  }
  agent_replies_[*r.id] = std::move(r);
}

void Vm::wait(const std::function<bool()>& done, Millis timeout, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return;
    if (interrupted()) throw Interrupted();
    if (watch_.panicked()) throw GuestPanicked("guest kernel panicked while waiting for " + what);
    if (auto why = backend_->gone()) {
      ioc_.poll();  // read what the console still holds, then judge
      if (watch_.panicked()) throw GuestPanicked("guest kernel panicked while waiting for " + what);
      throw InfraError(*why + " while waiting for " + what + " (see qemu.log and console.log)");
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      throw GuestTimeout("timed out after " + std::to_string(timeout.count() / 1000) + " s waiting for " + what +
                         " (guest hung? see console.log)");
    if (ioc_.stopped()) ioc_.restart();
    ioc_.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, Millis(100)));
  }
}

nlohmann::json Vm::wait_ready(Millis timeout) {
  wait([&] { return ready_.has_value(); }, timeout, "the guest agent to start");
  return *ready_;
}

void Vm::idle(Millis d) {
  try {
    wait([] { return false; }, d, "nothing");
  } catch (const InfraError&) {  // an Interrupted still ends the run
    // The time ran out (the point), or the guest is gone or panicked: what it printed is in.
  }
}

nlohmann::json Vm::agent(const std::string& op, const nlohmann::json& args, Millis timeout) {
  if (!agent_) throw InfraError("agent channel not connected");
  uint64_t id = next_agent_id_++;
  std::string frame = frame_agent_request(id, op, args);
  agent_log_ << "-> " << frame;
  agent_log_.flush();
  agent_->write(frame);
  // An Oops while the reply is owed: give the agent a few seconds (it may have hit another
  // task), then stop waiting: the task that ran the step died with it.
  const size_t splats_before = watch_.fatal_splats_seen();
  std::optional<std::chrono::steady_clock::time_point> splat_at;
  constexpr auto kGrace = std::chrono::seconds(3);
  wait([&] {
    if (agent_replies_.count(id)) return true;
    if (!splat_at && watch_.fatal_splats_seen() > splats_before) splat_at = std::chrono::steady_clock::now();
    return splat_at && std::chrono::steady_clock::now() - *splat_at > kGrace;
  }, timeout, "the agent's reply to " + op);
  if (!agent_replies_.count(id))
    throw GuestSplatted("the guest kernel oopsed while the agent ran " + op + " and no reply came (see console.log)");
  AgentReply r = std::move(agent_replies_.at(id));
  agent_replies_.erase(id);
  if (!r.ok) {
    // The agent could not read what we sent: the two binaries disagree on the protocol.
    if (r.error->err == proto::kProtocolErrno) throw MalformedReply(op, "the agent refused the request: " + r.error->msg);
    throw AgentStepError(AgentFailure{op, *r.error});
  }
  return r.result;
}

QmpMessage Vm::qmp_reply(const std::string& execute, const nlohmann::json& args, Millis timeout) {
  QmpPort* q = backend_->qmp();
  if (!q) throw InfraError("QMP not connected");
  uint64_t id = q->send(execute, args);
  std::optional<QmpMessage> m;
  wait([&] { return (m = q->take_reply(id)).has_value(); }, timeout, "QMP reply to " + execute);
  return *m;
}

void Vm::shutdown(Millis timeout) {
  if (backend_->gone()) return;
  try {
    const std::string frame = frame_agent_request(next_agent_id_++, "shutdown", nullptr);
    agent_log_ << "-> " << frame;
    agent_->write(frame);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!backend_->gone() && std::chrono::steady_clock::now() < deadline && !interrupted()) {
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(Millis(50));
    }
  } catch (const std::exception&) {
    // Falls through to the kill: shutting down must not fail the run.
  }
  kill();
}

}  // namespace cxlrig
