#include "Subprocess.h"

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>

#include <fstream>
#include <future>

#include "InputError.h"
#include "Interrupt.h"
#include "TextFile.h"

namespace bp = boost::process;

namespace cxlrig {

std::string CommandResult::tail(size_t lines) const { return last_lines(output, lines); }

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  auto p = bp::search_path(name);
  return p.empty() ? std::string() : p.string();
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout, const std::string& cwd,
                          const Tick& tick) {
  std::string exe = find_program(argv.at(0));
  if (exe.empty()) throw InfraError(argv[0] + " not found on PATH (run ci/install-deps)");
  boost::asio::io_context ioc;
  std::future<std::string> out;
  CommandResult r;
  std::vector<std::string> args = {exe};
  args.insert(args.end(), argv.begin() + 1, argv.end());
  bp::child c(bp::exe = CXLRIG_REAPER_PATH, bp::args = args, (bp::std_out & bp::std_err) > out, bp::std_in < bp::null,
              bp::start_dir = cwd.empty() ? std::string(".") : cwd, ioc);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto last_tick = std::chrono::steady_clock::now();
  bool stopped_early = false;
  while (!ioc.stopped()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline || interrupted()) {
      stopped_early = true;
      r.timed_out = now >= deadline;
      // SIGTERM to the reaper, which SIGKILLs the child's whole group, then exits.
      ::kill(c.id(), SIGTERM);
      ioc.restart();
      ioc.run_for(std::chrono::seconds(5));
      break;
    }
    ioc.run_for(std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(200)));
    if (tick && std::chrono::steady_clock::now() - last_tick >= std::chrono::seconds(1)) {
      last_tick = std::chrono::steady_clock::now();
      tick();
    }
  }
  std::error_code ec;
  c.wait(ec);
  r.exit_code = c.exit_code();
  if (out.wait_for(std::chrono::seconds(0)) == std::future_status::ready) r.output = out.get();
  // The reaper is in a process group of its own, so Ctrl-C reached only us: it was
  // forwarded above as SIGTERM, the child's group is gone now, and the rig stops.
  if ((stopped_early && !r.timed_out) || interrupted()) throw Interrupted();
  return r;
}

int run_logged(const std::vector<std::string>& argv, const std::string& log, std::chrono::seconds timeout,
               const std::string& cwd, const Tick& tick) {
  {
    std::ofstream l(log, std::ios::app);
    l << "$";
    for (auto& a : argv) l << ' ' << a;
    l << '\n';
  }
  std::vector<std::string> sh = {"/bin/sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", log};
  sh.insert(sh.end(), argv.begin(), argv.end());
  auto r = run_command(sh, timeout, cwd, tick);
  return r.timed_out ? 124 : r.exit_code;
}

}  // namespace cxlrig
