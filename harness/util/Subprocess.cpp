#include "Subprocess.h"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>

#include <fstream>
#include <future>

#include "InputError.h"

namespace bp = boost::process;

namespace cxlrig {

std::string CommandResult::tail(size_t lines) const {
  size_t pos = output.size();
  if (pos && output[pos - 1] == '\n') --pos;
  for (size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = output.rfind('\n', pos - 1);
  return output.substr(pos == std::string::npos || pos == 0 ? 0 : pos + 1);
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  auto p = bp::search_path(name);
  return p.empty() ? std::string() : p.string();
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout, const std::string& cwd) {
  std::string exe = find_program(argv.at(0));
  if (exe.empty()) throw InfraError(argv[0] + " not found on PATH (run ci/install-deps)");
  boost::asio::io_context ioc;
  std::future<std::string> out;
  CommandResult r;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::child c(bp::exe = exe, bp::args = args, (bp::std_out & bp::std_err) > out, bp::std_in < bp::null,
              bp::start_dir = cwd.empty() ? std::string(".") : cwd, ioc);
  ioc.run_for(timeout);
  if (!ioc.stopped()) {
    r.timed_out = true;
    c.terminate();
    ioc.run_for(std::chrono::seconds(2));
  }
  c.wait();
  r.exit_code = c.exit_code();
  if (out.wait_for(std::chrono::seconds(0)) == std::future_status::ready) r.output = out.get();
  return r;
}

int run_logged(const std::vector<std::string>& argv, const std::string& log, std::chrono::seconds timeout,
               const std::string& cwd) {
  {
    std::ofstream l(log, std::ios::app);
    l << "$";
    for (auto& a : argv) l << ' ' << a;
    l << '\n';
  }
  std::vector<std::string> sh = {"/bin/sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", log};
  sh.insert(sh.end(), argv.begin(), argv.end());
  auto r = run_command(sh, timeout, cwd);
  return r.timed_out ? 124 : r.exit_code;
}

}  // namespace cxlrig
