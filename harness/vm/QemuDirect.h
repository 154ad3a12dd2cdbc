// The direct backend: QEMU as our own child (QemuProcess), QMP on a socket we listen on.
#pragma once
#include <boost/asio/local/stream_protocol.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "QemuProcess.h"
#include "QmpClient.h"
#include "VmBackend.h"

namespace cxlrig {

class QemuDirect : public VmBackend {
 public:
  QemuDirect(boost::asio::io_context& ioc, const std::string& qemu_binary, const Topology& topo, const BootSpec& boot,
             const VmSockets& sockets, Accel accel, const VmLogs& logs);
  ~QemuDirect() override { kill(); }
  std::pair<std::string, std::string> definition() const override;
  void launch() override;
  QmpPort* qmp() override { return qmp_.get(); }
  std::optional<std::string> gone() override;
  void kill() noexcept override;

 private:
  boost::asio::io_context& ioc_;
  VmLogs logs_;
  std::vector<std::string> argv_;
  boost::asio::local::stream_protocol::acceptor qmp_acc_;
  std::unique_ptr<QemuProcess> proc_;
  std::unique_ptr<QmpClient> qmp_;
  std::optional<std::string> gone_;  // why QEMU is gone, once it is
};

}  // namespace cxlrig
