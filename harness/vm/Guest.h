// What the drive stage talks to: one booted guest's agent channel, the host's QMP monitor
// of it, and its ready event. The Vm is the real one; unit tests drive the scenario kinds
// through a scripted fake (drive/FakeGuest), as ninja's FakeCommandRunner stands in for
// processes.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "AgentChannel.h"
#include "QmpMessage.h"

namespace cxlrig {

class Monitor {
 public:
  virtual ~Monitor() = default;
  // The reply or QEMU's error as a value, for commands whose refusal is what is checked;
  // no reply within `timeout` throws (a hang).
  virtual QmpMessage qmp_reply(const std::string& execute, const nlohmann::json& args, Millis timeout) = 0;
  // QMP events so far, in order.
  virtual const std::vector<QmpMessage>& qmp_events() = 0;
  // The reply's body; QEMU's error is an InfraError.
  nlohmann::json qmp(const std::string& execute, const nlohmann::json& args, Millis timeout);
};

class Guest : public AgentChannel, public Monitor {
 public:
  // The agent's ready event (an Info reply), once it has come up.
  virtual nlohmann::json wait_ready(Millis timeout) = 0;
  // Let the guest run for `d` with nothing asked, reading what it prints (a report that is
  // still streaming). A guest that is gone or panicked ends it early, silently.
  virtual void idle(Millis) {}
};

}  // namespace cxlrig
