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
  std::optional<int> exit_code() const;
  // The wait status as waitpid() gave it (for describe_wait_status()); 0 until exited().
  int raw_status() const { return status_.value_or(0); }
  bool exited() const { return status_.has_value(); }
  int pid() const { return pid_; }
  void kill();  // SIGKILL to the whole group, then reap

 private:
  boost::process::child child_;
  std::optional<int> status_;  // the raw wait status, once reaped
  int pid_ = 0;
};

}  // namespace cxlrig
