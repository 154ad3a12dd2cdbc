// The guest's QMP monitor, however it is reached: our own socket (direct QEMU) or
// libvirt's monitor (virDomainQemuMonitorCommand). Commands are matched to replies by our
// id; events are kept in arrival order. Everything runs on the Vm's thread.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "QmpMessage.h"

namespace cxlrig {

class QmpPort {
 public:
  virtual ~QmpPort() = default;
  // Capabilities negotiated: commands may be sent.
  virtual bool ready() const = 0;
  virtual uint64_t send(const std::string& execute, const nlohmann::json& args) = 0;
  // The reply to `id` once it arrived (and forgets it).
  virtual std::optional<QmpMessage> take_reply(uint64_t id) = 0;
  virtual const std::vector<QmpMessage>& events() = 0;
};

}  // namespace cxlrig
