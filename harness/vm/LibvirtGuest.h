// The libvirt backend: the topology as a transient domain (LibvirtDomain's XML) started
// with VIR_DOMAIN_START_AUTODESTROY, so libvirtd destroys it when our connection closes,
// even if the harness is SIGKILLed. QMP goes through libvirt (LibvirtQmp); the console and
// agent connect to the Vm's sockets as with the direct backend. On teardown libvirt's log
// of the domain (QEMU's command line and stderr) is copied to qemu.log.
#pragma once
#include <libvirt/libvirt.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "LibvirtQmp.h"
#include "VmBackend.h"

namespace cxlrig {

class LibvirtGuest : public VmBackend {
 public:
  LibvirtGuest(boost::asio::io_context& ioc, const BackendSpec& spec, const Topology& topo, const BootSpec& boot,
               const VmSockets& sockets, Accel accel, const VmLogs& logs);
  ~LibvirtGuest() override;
  LibvirtGuest(const LibvirtGuest&) = delete;
  LibvirtGuest& operator=(const LibvirtGuest&) = delete;

  std::pair<std::string, std::string> definition() const override { return {"domain.xml", xml_}; }
  void launch() override;
  QmpPort* qmp() override { return qmp_.get(); }
  std::optional<std::string> gone() override;
  void kill() noexcept override;

 private:
  static void on_lifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque);
  static void on_close(virConnectPtr, int reason, void* opaque);
  void stopped(const std::string& why);
  void copy_domain_log() noexcept;

  boost::asio::io_context& ioc_;
  std::string uri_;
  std::string name_;
  std::string xml_;
  VmLogs logs_;
  virConnectPtr conn_ = nullptr;
  virDomainPtr dom_ = nullptr;
  int lifecycle_id_ = -1;
  bool close_registered_ = false;
  std::unique_ptr<LibvirtQmp> qmp_;
  std::mutex mu_;
  std::optional<std::string> gone_;  // set from libvirt's event thread
  bool torn_down_ = false;
};

}  // namespace cxlrig
