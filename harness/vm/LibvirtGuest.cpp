#include "LibvirtGuest.h"

#include <libvirt/virterror.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "InputError.h"
#include "LibvirtDomain.h"

namespace fs = std::filesystem;

namespace cxlrig {
namespace {

std::string last_error() {
  const virError* e = virGetLastError();
  return e && e->message ? e->message : "unknown libvirt error";
}

// libvirt delivers events only while someone runs its event loop; one thread per process,
// registered before the first connection opens.
void ensure_event_loop() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (virEventRegisterDefaultImpl() < 0) throw InfraError("libvirt: cannot register its event loop: " + last_error());
    std::thread([] {
      for (;;) virEventRunDefaultImpl();
    }).detach();
  });
}

// Silence libvirt's default error printer: every error is reported through an exception.
void quiet_errors(void*, virErrorPtr) {}

const char* stopped_detail(int detail) {
  switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: return "shut down";
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED: return "destroyed";
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED: return "crashed";
    case VIR_DOMAIN_EVENT_STOPPED_FAILED: return "failed (QEMU died)";
    default: return "stopped";
  }
}

std::string unique_domain_name(const std::string& topo) {
  static unsigned counter = 0;
  return "cxlrig-" + topo + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

LibvirtGuest::LibvirtGuest(boost::asio::io_context& ioc, const BackendSpec& spec, const Topology& topo,
                           const BootSpec& boot, const VmSockets& sockets, Accel accel, const VmLogs& logs)
    : ioc_(ioc), uri_(spec.connect_uri), name_(unique_domain_name(topo.name)), logs_(logs) {
  xml_ = libvirt_domain_xml(topo, boot, LibvirtSockets{sockets.console, sockets.agent}, accel, name_, spec.qemu_binary);
}

LibvirtGuest::~LibvirtGuest() { kill(); }

void LibvirtGuest::stopped(const std::string& why) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!gone_) gone_ = why;
  }
  boost::asio::post(ioc_, [] {});
}

void LibvirtGuest::on_lifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
  auto* self = static_cast<LibvirtGuest*>(opaque);
  if (event != VIR_DOMAIN_EVENT_STOPPED || self->name_ != virDomainGetName(dom)) return;
  self->stopped("libvirt domain " + self->name_ + " " + stopped_detail(detail));
}

void LibvirtGuest::on_close(virConnectPtr, int, void* opaque) {
  static_cast<LibvirtGuest*>(opaque)->stopped("the connection to libvirtd closed");
}

void LibvirtGuest::launch() {
  ensure_event_loop();
  virSetErrorFunc(nullptr, quiet_errors);
  conn_ = virConnectOpen(uri_.c_str());
  if (!conn_)
    throw InfraError("cannot connect to libvirt at " + uri_ + ": " + last_error() +
                     " (is libvirtd running? tests/vm/libvirtd-up starts one; or pass --connect URI)");
  // Registered before the domain exists, so a guest that dies at once is still seen.
  lifecycle_id_ = virConnectDomainEventRegisterAny(conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                   VIR_DOMAIN_EVENT_CALLBACK(&LibvirtGuest::on_lifecycle), this, nullptr);
  close_registered_ = virConnectRegisterCloseCallback(conn_, &LibvirtGuest::on_close, this, nullptr) == 0;
  dom_ = virDomainCreateXML(conn_, xml_.c_str(), VIR_DOMAIN_START_AUTODESTROY);
  if (!dom_) throw InfraError("libvirt could not start domain " + name_ + ": " + last_error() + " (see domain.xml, qemu.log)");
  qmp_ = std::make_unique<LibvirtQmp>(ioc_, conn_, dom_, logs_.qmp);
}

std::optional<std::string> LibvirtGuest::gone() {
  std::lock_guard<std::mutex> l(mu_);
  return gone_;
}

void LibvirtGuest::copy_domain_log() noexcept {
  // libvirt's per-domain log: QEMU's command line as libvirt built it, then QEMU's stderr.
  // Only reachable for a local daemon; system and session daemons keep it in different places.
  std::error_code ec;
  const char* home = getenv("HOME");
  for (const std::string& dir : {std::string("/var/log/libvirt/qemu"),
                                std::string(home ? home : "/") + "/.cache/libvirt/qemu/log"}) {
    const std::string log = dir + "/" + name_ + ".log";
    if (fs::exists(log, ec)) {
      fs::copy_file(log, logs_.qemu_output, fs::copy_options::overwrite_existing, ec);
      return;
    }
  }
  std::ofstream(logs_.qemu_output, std::ios::app) << "cxlrig: libvirt's log of " << name_ << " is not on this host\n";
}

void LibvirtGuest::kill() noexcept {
  if (torn_down_) return;
  torn_down_ = true;
  if (dom_) {
    if (virDomainIsActive(dom_) == 1) virDomainDestroy(dom_);  // synchronous: QEMU is gone after it
    qmp_.reset();                                             // its in-flight command has failed by now
    virDomainFree(dom_);
    dom_ = nullptr;
  }
  if (conn_) {
    copy_domain_log();  // also when the domain never started: libvirt's log says why
    if (lifecycle_id_ >= 0) virConnectDomainEventDeregisterAny(conn_, lifecycle_id_);
    if (close_registered_) virConnectUnregisterCloseCallback(conn_, &LibvirtGuest::on_close);
    virConnectClose(conn_);
    conn_ = nullptr;
  }
}

}  // namespace cxlrig
