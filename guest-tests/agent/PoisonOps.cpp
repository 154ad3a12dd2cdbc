// Poison injection and observation. An injection is a window: observe_begin clears the
// trace buffer, drains the kernel log, resets the SIGBUS record and sets the mapper's
// early-kill policy (and, for an action-required MCE, starts the pinned consumer);
// the poison then arrives from the guest (inject) or from the host (QMP), and collect
// waits for memory_failure() to return before handing back everything seen.
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "Ops.h"
#include "Quiet.h"
#include "Sysfs.h"
#include "ThreadStat.h"

namespace agent {

void* mapping_address(const std::string& dev, uint64_t offset);

namespace {

struct Caught {
  int signo, code, lsb, tid;
  uint64_t addr;
};
constexpr int kMaxCaught = 64;
Caught g_caught[kMaxCaught];
std::atomic<int> g_ncaught{0};

void on_sigbus(int signo, siginfo_t* si, void*) {
  int i = g_ncaught.fetch_add(1);
  if (i < kMaxCaught)
    g_caught[i] = {signo, si->si_code, si->si_addr_lsb, static_cast<int>(::syscall(SYS_gettid)),
                   reinterpret_cast<uint64_t>(si->si_addr)};
  // Returning is safe: these signals come at syscall return or from task_work (MCE AR,
  // memory_failure in the consumer), never from a faulting load of the poisoned page.
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

void set_kill_policy(bool early) {
  if (::prctl(PR_MCE_KILL, PR_MCE_KILL_SET, early ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE, 0, 0) != 0)
    throw StepError("prctl(PR_MCE_KILL) failed", errno);
}

// The action-required consumer: a thread pinned to an isolated vCPU that spins in user
// mode, so the MCE the host raises on that vCPU interrupts user code (an AR MCE in kernel
// mode panics). It is a thread of the mapper, so memory_failure() runs in the mapper's mm.
struct Spinner {
  std::atomic<bool> spin{false};
  std::atomic<int> cpu{-1};
  std::atomic<uint64_t> loops{0};
  int pinned = -1;
  int tid = 0;
  std::thread th;
};
Spinner g_spin;

void spinner_main(int cpu) {
  g_spin.tid = static_cast<int>(::syscall(SYS_gettid));
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
  // Never an early-kill target itself: the main thread's policy decides for the process.
  ::prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0);
  for (;;) {
    if (g_spin.spin.load(std::memory_order_relaxed)) {
      g_spin.cpu.store(::sched_getcpu(), std::memory_order_relaxed);
      g_spin.loops.fetch_add(1, std::memory_order_relaxed);
    } else {
      ::usleep(1000);
    }
  }
}

// Where a thread is, for an error that names why the consumer never spun: its state, the
// cpu it last ran on, and its wchan.
std::string thread_whereabouts(int tid) {
  const std::string task = "/proc/self/task/" + std::to_string(tid);
  try {
    const auto t = parse_thread_stat(read_attr(task + "/stat"));
    const std::string wchan = exists(task + "/wchan") ? read_attr(task + "/wchan") : "?";
    if (!t) return "stat unreadable, wchan " + wchan;
    return "state " + t->state + ", last on cpu " + std::to_string(t->last_cpu) + ", wchan " +
           (wchan.empty() ? "0" : wchan);
  } catch (const StepError& e) {
    return std::string("unreadable: ") + e.what();
  }
}

void start_spinning(int cpu) {
  if (g_spin.pinned != cpu) {
    if (g_spin.pinned >= 0) throw StepError("the AR consumer is already pinned to another cpu", EBUSY);
    g_spin.pinned = cpu;
    g_spin.th = std::thread(spinner_main, cpu);
    g_spin.th.detach();
  }
  g_spin.cpu = -1;
  g_spin.spin = true;
  uint64_t before = g_spin.loops.load();
  if (!wait_for([&] { return g_spin.cpu.load() == cpu && g_spin.loops.load() > before + 1000; }, 5000))
    throw StepError("the AR consumer did not start spinning on cpu " + std::to_string(cpu) + " (" +
                        std::to_string(g_spin.loops.load() - before) + " loops, seen on cpu " +
                        std::to_string(g_spin.cpu.load()) + "; thread " + std::to_string(g_spin.tid) + ": " +
                        thread_whereabouts(g_spin.tid) + ")",
                    ETIMEDOUT);
}

proto::Observed collected(std::vector<std::string> trace) {
  proto::Observed out;
  for (int i = 0; i < std::min(g_ncaught.load(), kMaxCaught); ++i)
    out.signals.push_back({g_caught[i].signo, g_caught[i].code, g_caught[i].addr, g_caught[i].lsb,
                           g_caught[i].tid == g_spin.tid && g_spin.tid != 0});
  out.trace = std::move(trace);
  out.kmsg = kmsg_drain();
  return out;
}

}  // namespace

proto::ObserveBegin::Reply op_observe_begin(const proto::ObserveBegin::Request& req) {
  install_handler();
  set_kill_policy(req.early_kill);
  trace_clear();
  kmsg_drain();
  if (holder_holds()) read_holder_events();  // the window starts with no holder events
  g_ncaught = 0;
  proto::ObserveBegin::Reply out;
  if (req.spin_cpu) {
    start_spinning(*req.spin_cpu);
    out.spinning = g_spin.cpu.load();
    out.tid = g_spin.tid;
  }
  return out;
}

namespace {

// A SIGBUS queued to any of the agent's threads, or to the process, not yet handled.
bool sigbus_queued() {
  for (auto& tid : list_dir("/proc/self/task")) {
    std::string status;
    try {
      status = read_attr("/proc/self/task/" + tid + "/status");
    } catch (const StepError&) {
      continue;  // a thread that has just exited
    }
    if (signal_queued(status, SIGBUS)) return true;
  }
  return false;
}

// Settles a window: see Quiet.h. Quiet must hold on two polls 1 ms apart: a signal just
// taken off the queue is in neither the queue nor g_caught until its handler runs.
void settle(const proto::CollectArgs& c) {
  if (!c.calls || c.calls->size() != 2) {
    sleep_ms(c.settle_ms);  // no return probe: a late or an extra signal gets a fixed time
    return;
  }
  const auto& entry = (*c.calls)[0];
  const auto& ret = (*c.calls)[1];
  auto quiet = [&] { return calls_returned(trace_read(), entry, ret) && !sigbus_queued(); };
  int quiet_polls = 0;  // in a row
  wait_for(
      [&] {
        quiet_polls = quiet() ? quiet_polls + 1 : 0;
        return quiet_polls >= 2;
      },
      c.settle_ms, 1);
}

}  // namespace

// Waits for the trace event the host names (memory_failure()'s kretprobe, for a path that
// runs it later in a kworker), then for the expected signals, then hands back what the
// kernel reported.
proto::Observed op_collect(const proto::CollectArgs& c) {
  const bool returned =
      !c.wait_event || wait_for([&] { return count_trace_events(trace_read(), *c.wait_event) > 0; }, c.timeout_ms, 1);
  wait_for([&] { return g_ncaught.load() >= c.signals; }, c.signals ? c.timeout_ms : 0, 1);
  settle(c);  // a late or an extra signal must still be seen
  g_spin.spin = false;
  proto::Observed out = collected(trace_read());
  out.event_seen = returned;
  if (holder_holds()) out.holder = read_holder_events();
  return out;
}

int write_guest_poison(proto::PoisonPath path, uint64_t phys) {
  if (path == proto::PoisonPath::kCorruptPfn)
    return write_attr_errno("/sys/kernel/debug/hwpoison/corrupt-pfn", hex(phys / 4096));
  return write_attr_errno("/sys/devices/system/memory/hard_offline_page", hex(phys));
}

proto::Inject::Reply op_inject(const proto::Inject::Request& req) {
  op_observe_begin({req.early_kill, std::nullopt});
  int err = 0;
  switch (req.path) {
    case proto::PoisonPath::kMadvise:
      if (!req.offset) throw StepError("madvise needs the device offset", EINVAL);
      if (::madvise(mapping_address(req.device, *req.offset), 4096, MADV_HWPOISON) != 0) err = errno;
      break;
    case proto::PoisonPath::kCorruptPfn:
    case proto::PoisonPath::kHardOffline:
      err = write_guest_poison(req.path, req.phys);
      break;
    default:
      throw StepError(std::string("not a guest poison path: ") + proto::name_of(req.path), EINVAL);
  }
  // The guest paths call memory_failure() synchronously: it has returned by now.
  return {err, op_collect(req.collect)};
}

}  // namespace agent
