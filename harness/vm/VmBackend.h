// What runs the guest's QEMU: our own child process (QemuDirect) or a transient libvirt
// domain (LibvirtGuest). The Vm owns the console and agent sockets, which QEMU connects to
// either way; the backend owns the process, the QMP monitor and the teardown.
#pragma once
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>

#include "QemuCommand.h"
#include "QmpPort.h"
#include "Topology.h"

namespace cxlrig {

// Where the guest's logs go (all inside the run's artifacts dir).
struct VmLogs {
  std::string console;
  std::string qmp;
  std::string agent;
  std::string qemu_output;  // QEMU's stderr (direct) or libvirt's log of the domain
};

class VmBackend {
 public:
  virtual ~VmBackend() = default;
  // The guest definition, kept as an artifact: (file name, text).
  virtual std::pair<std::string, std::string> definition() const = 0;
  virtual void launch() = 0;
  // Null until QEMU's monitor is reachable.
  virtual QmpPort* qmp() = 0;
  // Why the guest is gone ("QEMU exited with code 1"), or nothing while it runs.
  virtual std::optional<std::string> gone() = 0;
  // Stops QEMU for good; idempotent, never throws.
  virtual void kill() noexcept = 0;
};

enum class BackendKind { kQemu, kLibvirt };

struct BackendSpec {
  BackendKind kind = BackendKind::kQemu;
  std::string qemu_binary;                  // the emulator either way
  std::string connect_uri = "qemu:///system";  // libvirt only
};

BackendKind backend_kind_from_string(const std::string& s, const std::string& field);
std::string to_string(BackendKind k);

std::unique_ptr<VmBackend> make_backend(boost::asio::io_context& ioc, const BackendSpec& spec, const Topology& topo,
                                        const BootSpec& boot, const VmSockets& sockets, Accel accel,
                                        const VmLogs& logs);

}  // namespace cxlrig
