#include "QemuProcess.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "InputError.h"

namespace bp = boost::process;

namespace cxlrig {
namespace {

// Runs in the child between fork and exec.
struct DieWithParent : bp::extend::handler {
  pid_t parent = ::getpid();
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the harness died before prctl took effect
  }
};

}  // namespace

QemuProcess::QemuProcess(boost::asio::io_context& ioc, const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  std::error_code ec;
  child_ = bp::child(bp::exe = argv.at(0), bp::args = args, (bp::std_out & bp::std_err) > log_path, bp::std_in < bp::null,
                     ioc, bp::on_exit =
                         [this](int, const std::error_code&) {
                           // Boost stores the raw status before it calls this.
                           status_ = child_.native_exit_code();
                         }, DieWithParent{}, ec);
  if (ec) throw InfraError("cannot start " + argv.at(0) + ": " + ec.message());
  pid_ = child_.id();
}

void QemuProcess::kill() {
  if (pid_ > 0 && !status_) {
    ::kill(-pid_, SIGKILL);
    std::error_code ec;
    child_.wait(ec);
    status_ = child_.native_exit_code();
  }
  if (child_.valid() && child_.joinable()) {
    std::error_code ec;
    child_.wait(ec);
  }
}

std::optional<int> QemuProcess::exit_code() const {
  if (!status_) return std::nullopt;
  return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : WTERMSIG(*status_);
}

QemuProcess::~QemuProcess() { kill(); }

}  // namespace cxlrig
