// One guest: its backend (QEMU as our child, or a libvirt domain) with the QMP monitor, its
// serial console and the agent channel, all on one Boost.Asio event loop. Every wait has a
// deadline and ends early when the guest panics, QEMU goes away or the user interrupts; the
// destructor always takes QEMU down.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "AgentChannel.h"
#include "Guest.h"
#include "ConsoleWatch.h"
#include "InputError.h"
#include "Interrupt.h"
#include "LineChannel.h"
#include "QemuCommand.h"
#include "VmBackend.h"

namespace cxlrig {

// The guest did not answer in time (hang, lost agent): infrastructure, exit 125.
class GuestTimeout : public InfraError {
 public:
  using InfraError::InfraError;
};

// The guest kernel splatted (Oops, BUG, KASAN, ...) while the agent owed a reply, and no reply
// came within a grace period: the task doing the step is gone. Not the rig's fault: with the
// splat on the console the run is a finding (exit 1), and it ends in seconds, not at the
// step timeout.
class GuestSplatted : public InfraError {
 public:
  using InfraError::InfraError;
};

// The guest kernel panicked while the rig waited for something.
class GuestPanicked : public GuestSplatted {
 public:
  using GuestSplatted::GuestSplatted;
};

class Vm : public Guest {
 public:
  // Creates the listening sockets (QEMU connects to them) and the backend's guest
  // definition; does not start QEMU.
  Vm(boost::asio::io_context& ioc, const Topology& topo, const BootSpec& boot, Accel accel, const BackendSpec& backend,
     VmLogs logs, ConsoleWatch& console);
  ~Vm() override;
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // (artifact name, text): the QEMU command line or the libvirt domain XML.
  std::pair<std::string, std::string> definition() const { return backend_->definition(); }
  void start(Millis connect_timeout);             // launch, accept channels, QMP handshake
  nlohmann::json wait_ready(Millis timeout) override;  // the agent's ready event
  void idle(Millis d) override;
  nlohmann::json agent(const std::string& op, const nlohmann::json& args, Millis timeout) override;
  // The reply or QEMU's error as a value, for commands whose refusal is what is checked;
  // no reply within `timeout` still throws.
  QmpMessage qmp_reply(const std::string& execute, const nlohmann::json& args, Millis timeout) override;
  void shutdown(Millis timeout);                   // polite poweroff, then kill
  void kill();

  // QMP events so far, in order (none before QEMU's monitor is reachable; after kill(),
  // those it had).
  const std::vector<QmpMessage>& qmp_events() override;

 private:
  using Acceptor = boost::asio::local::stream_protocol::acceptor;
  void wait(const std::function<bool()>& done, Millis timeout, const std::string& what);
  void on_agent_line(const std::string& line);

  boost::asio::io_context& ioc_;
  VmLogs logs_;
  std::string sock_dir_;
  VmSockets sockets_;
  std::unique_ptr<Acceptor> con_acc_, agent_acc_;
  std::unique_ptr<VmBackend> backend_;
  std::vector<QmpMessage> kept_events_;  // what the monitor had when the guest was killed
  std::unique_ptr<LineChannel> console_, agent_;
  std::ofstream console_log_, agent_log_;
  ConsoleWatch& watch_;
  std::optional<nlohmann::json> ready_;
  std::map<uint64_t, AgentReply> agent_replies_;
  uint64_t next_agent_id_ = 1;
};

}  // namespace cxlrig
