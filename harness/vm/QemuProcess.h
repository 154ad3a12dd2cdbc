// The QEMU child. It must never outlive the harness: it runs in its own process group
// (killed as a group), with PR_SET_PDEATHSIG so even a SIGKILLed harness takes it along.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/process/child.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

class QemuProcess {
 public:
  // stdout and stderr go to `log_path` (QEMU's own complaints, e.g. a bad -device).
  QemuProcess(boost::asio::io_context& ioc, const std::vector<std::string>& argv, const std::string& log_path);
  ~QemuProcess();
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  // Boost's folded exit code: WEXITSTATUS, or the signal number for a signalled QEMU.
  std::optional<int> exit_code() const { return exit_; }
  // The wait status as waitpid() gave it (for describe_wait_status()); valid once exited().
  int raw_status() const { return raw_status_; }
  bool exited() const { return exit_.has_value(); }
  int pid() const { return pid_; }
  void kill();  // SIGKILL to the whole group, then reap

 private:
  boost::process::child child_;
  std::optional<int> exit_;
  int raw_status_ = 0;
  int pid_ = 0;
};

}  // namespace cxlrig
