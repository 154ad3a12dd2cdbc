#include "QemuDirect.h"

#include <fstream>

#include "ExitStatus.h"
#include "TextFile.h"

namespace cxlrig {

using boost::asio::local::stream_protocol;

QemuDirect::QemuDirect(boost::asio::io_context& ioc, const std::string& qemu_binary, const Topology& topo,
                       const BootSpec& boot, const VmSockets& sockets, Accel accel, const VmLogs& logs)
    : ioc_(ioc),
      logs_(logs),
      argv_(build_qemu_argv(qemu_binary, topo, boot, sockets, accel)),
      qmp_acc_(ioc, stream_protocol::endpoint(sockets.qmp)) {}

std::pair<std::string, std::string> QemuDirect::definition() const {
  return {"qemu.cmdline", shell_quote(argv_) + "\n"};
}

void QemuDirect::launch() {
  qmp_acc_.async_accept([this](boost::system::error_code ec, stream_protocol::socket s) {
    if (ec) return;
    qmp_ = std::make_unique<QmpClient>(std::move(s), logs_.qmp);
    qmp_->start();
  });
  proc_ = std::make_unique<QemuProcess>(ioc_, argv_, logs_.qemu_output);
}

std::optional<std::string> QemuDirect::gone() {
  if (!proc_ || !proc_->exited()) return std::nullopt;
  if (gone_) return gone_;
  // QEMU says why on stderr (an assertion, a -device it refused): its last line goes
  // with the reason, so a report read without the artifacts still says it. Worked out
  // once: the wait loops ask again until they stop.
  gone_ = "QEMU " + describe_wait_status(proc_->raw_status());
  try {
    const std::string tail = last_log_line(read_text_file(logs_.qemu_output));
    if (!tail.empty()) *gone_ += " (qemu.log: " + tail + ")";
  } catch (const std::exception& e) {
    *gone_ += std::string(" (") + e.what() + ")";
  }
  return gone_;
}

void QemuDirect::kill() noexcept {
  if (proc_) proc_->kill();
}

}  // namespace cxlrig
