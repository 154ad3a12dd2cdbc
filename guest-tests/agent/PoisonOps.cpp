// Poison injection through the paths that reach memory_failure(), with everything the
// kernel reported while it ran: kprobe events, kernel log lines and SIGBUS siginfo.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {

void* mapping_address(const std::string& dev, uint64_t offset);

namespace {

struct Caught {
  int signo, code, lsb;
  uint64_t addr;
};
constexpr int kMaxCaught = 64;
Caught g_caught[kMaxCaught];
std::atomic<int> g_ncaught{0};

void on_sigbus(int signo, siginfo_t* si, void*) {
  int i = g_ncaught.fetch_add(1);
  if (i < kMaxCaught) g_caught[i] = {signo, si->si_code, si->si_addr_lsb, reinterpret_cast<uint64_t>(si->si_addr)};
  // Returning is safe: the signal comes at syscall return (madvise, or the write that
  // triggered an action-optional kill), not from a faulting load.
}

void install_handler() {
  static bool done = false;
  if (done) return;
  struct sigaction sa{};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, nullptr);
  done = true;
}

}  // namespace

json op_inject(const json& args) {
  install_handler();
  const std::string path = args.at("path").get<std::string>();
  const uint64_t phys = args.at("phys").get<uint64_t>();
  trace_clear();
  kmsg_drain();
  g_ncaught = 0;

  int err = 0;
  if (path == "madvise") {
    void* at = mapping_address(args.at("device").get<std::string>(), args.at("offset").get<uint64_t>());
    if (::madvise(at, 4096, MADV_HWPOISON) != 0) err = errno;
  } else if (path == "corrupt_pfn") {
    try {
      write_attr("/sys/kernel/debug/hwpoison/corrupt-pfn", hex(phys / 4096));
    } catch (const StepError& e) {
      if (e.err == ENOENT) throw;
      err = e.err;
    }
  } else if (path == "hard_offline") {
    try {
      write_attr("/sys/devices/system/memory/hard_offline_page", hex(phys));
    } catch (const StepError& e) {
      if (e.err == ENOENT) throw;
      err = e.err;
    }
  } else {
    throw StepError("unknown poison path \"" + path + "\"", EINVAL);
  }

  json sigs = json::array();
  for (int i = 0; i < std::min(g_ncaught.load(), kMaxCaught); ++i)
    sigs.push_back({{"signo", g_caught[i].signo}, {"code", g_caught[i].code}, {"addr", g_caught[i].addr},
                    {"addr_lsb", g_caught[i].lsb}});
  return {{"errno", err}, {"trace", trace_read()}, {"kmsg", kmsg_drain()}, {"signals", sigs}};
}

}  // namespace agent
