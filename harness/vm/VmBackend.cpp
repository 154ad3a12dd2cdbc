#include "VmBackend.h"

#include "InputError.h"
#include "LibvirtGuest.h"
#include "QemuDirect.h"

namespace cxlrig {

BackendKind backend_kind_from_string(const std::string& s, const std::string& field) {
  if (s == "qemu") return BackendKind::kQemu;
  if (s == "libvirt") return BackendKind::kLibvirt;
  throw InputError(field, "unknown backend '" + s + "'", "use qemu (QEMU as our child) or libvirt (a transient domain)");
}

std::string to_string(BackendKind k) { return k == BackendKind::kLibvirt ? "libvirt" : "qemu"; }

std::unique_ptr<VmBackend> make_backend(boost::asio::io_context& ioc, const BackendSpec& spec, const Topology& topo,
                                        const BootSpec& boot, const VmSockets& sockets, Accel accel,
                                        const VmLogs& logs) {
  if (spec.kind == BackendKind::kLibvirt) return std::make_unique<LibvirtGuest>(ioc, spec, topo, boot, sockets, accel, logs);
  return std::make_unique<QemuDirect>(ioc, spec.qemu_binary, topo, boot, sockets, accel, logs);
}

}  // namespace cxlrig
