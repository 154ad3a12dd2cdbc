// Race stressors (proto::RaceRun): each a thread pinned to its vCPU, looping one guest
// action until its iteration count or the deadline. Nothing here judges: every
// iteration's errno is counted and the loop goes on, so a kernel that refuses a write
// (EBUSY from a fixed mapping_store()) and one that takes it both finish the race.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {

using Clock = std::chrono::steady_clock;
const std::string kDax = "/sys/bus/dax/devices/";

uint64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

std::string errno_name(int e) {
  const char* n = ::strerrorname_np(e);
  return n ? n : "errno " + std::to_string(e);
}

// A fault stressor's store can take SIGBUS (dax_pgoff_to_phys() found no range): the
// thread jumps back to its loop and counts it instead of the agent dying.
thread_local sigjmp_buf* t_fault_jump = nullptr;
struct sigaction g_prev_sigbus;

void on_race_sigbus(int signo, siginfo_t* si, void* uc) {
  if (t_fault_jump) siglongjmp(*t_fault_jump, 1);
  // Not a fault stressor: the poison ops' handler records it as before.
  if (g_prev_sigbus.sa_flags & SA_SIGINFO) g_prev_sigbus.sa_sigaction(signo, si, uc);
}

class SigbusGuard {
 public:
  SigbusGuard() {
    struct sigaction sa{};
    sa.sa_sigaction = on_race_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &g_prev_sigbus);
  }
  ~SigbusGuard() { sigaction(SIGBUS, &g_prev_sigbus, nullptr); }
};

class Stressor {
 public:
  Stressor(const proto::RaceRun::Request& race, const proto::RaceRun::Stressor& s) : race_(race), s_(s) {
    out_.action = s.action;
    out_.cpu = s.cpu;
  }

  void run(Clock::time_point start, Clock::time_point deadline) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(s_.cpu, &set);
    if (int e = pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
      fail(e, "sched_setaffinity cpu " + std::to_string(s_.cpu));
      out_.stopped = "setup_failed";
      return;
    }
    if (!setup()) {
      out_.stopped = "setup_failed";
      finish(start);
      return;
    }
    out_.first_ms = ms_between(start, Clock::now());
    out_.stopped = "duration";
    while (Clock::now() < deadline) {
      if (s_.iterations && out_.iterations >= s_.iterations) {
        out_.stopped = "iterations";
        break;
      }
      ++out_.iterations;
      if (!once()) break;  // out of work (a grow with no reset): stopped says why
      if (s_.interval_ms) std::this_thread::sleep_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(s_.interval_ms)));
    }
    teardown();
    finish(start);
  }

  const proto::RaceRun::Result& result() const { return out_; }

 private:
  std::string dev() const { return kDax + race_.device; }

  void fail(int e, const std::string& what) {
    ++out_.errors[errno_name(e)];
    if (out_.first_error.empty()) out_.first_error = what + ": " + errno_name(e) + " (" + ::strerror(e) + ")";
  }
  // One write, its errno counted; true when the kernel took it.
  bool write(const std::string& path, const std::string& value) {
    if (int e = write_attr_errno(path, value)) {
      fail(e, path + " <- " + value);
      return false;
    }
    return true;
  }

  bool setup() {
    if (s_.action == "holder_churn") {
      // dax_dev_get() looks the dax_device up by the dev_dax's devt (daxX.Y/dev).
      devt_ = read_attr(dev() + "/dev");
      return write(kHolderDir + "hold", devt_);
    }
    if (s_.action == "fault") {
      const std::string path = "/dev/" + race_.device;
      fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (fd_ < 0) {
        fail(errno, "open " + path);
        return false;
      }
    }
    return true;
  }

  void teardown() {
    if (fd_ >= 0) ::close(fd_);
    if (s_.action == "holder_churn") write_attr_errno(kHolderDir + "release", "1");
  }

  void finish(Clock::time_point start) { out_.elapsed_ms = ms_between(start, Clock::now()); }

  bool once() {
    if (s_.action == "grow_mapping") return grow();
    if (s_.action == "poison") {
      const uint64_t pfn = s_.pfns[next_++ % s_.pfns.size()];
      if (int e = write_guest_poison(*s_.path, pfn * 4096)) fail(e, std::string(proto::name_of(*s_.path)) + " pfn " + hex(pfn));
      return true;
    }
    if (s_.action == "fault") return fault();
    if (s_.action == "bind_unbind") {
      const std::string drv = "/sys/bus/dax/drivers/" + race_.driver + "/";
      if (write(drv + "unbind", race_.device)) write(drv + "bind", race_.device);
      return true;
    }
    // holder_churn: fs_put_dax(), then fs_dax_get() again.
    if (write(kHolderDir + "release", "1")) write(kHolderDir + "hold", devt_);
    return true;
  }

  bool grow() {
    if (next_ < s_.grow.size()) {
      const auto& r = s_.grow[next_];
      if (write(dev() + "/mapping", hex(r.start) + "-" + hex(r.end))) ++next_;
      return true;
    }
    if (!s_.reset) {
      out_.stopped = "out_of_ranges";
      return false;
    }
    // Reset: give the ranges back and lay the starting table out again.
    const std::string drv = "/sys/bus/dax/drivers/" + race_.driver + "/";
    if (!write(drv + "unbind", race_.device) || !write(dev() + "/size", "0")) return true;
    for (auto& r : race_.base) write(dev() + "/mapping", hex(r.start) + "-" + hex(r.end));
    write(drv + "bind", race_.device);
    next_ = 0;
    return true;
  }

  bool fault() {
    void* base = ::mmap(nullptr, s_.fault_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (base == MAP_FAILED) {
      fail(errno, "mmap " + race_.device);
      return true;
    }
    sigjmp_buf jump;
    if (sigsetjmp(jump, 1) == 0) {
      t_fault_jump = &jump;
      const uint64_t step = race_.align ? race_.align : 4096;
      for (uint64_t o = 0; o < s_.fault_size; o += step) *(static_cast<volatile char*>(base) + o) = 0x5a;
    } else {
      ++out_.errors["SIGBUS"];
      if (out_.first_error.empty()) out_.first_error = "store into " + race_.device + ": SIGBUS";
    }
    t_fault_jump = nullptr;
    ::munmap(base, s_.fault_size);
    return true;
  }

  const proto::RaceRun::Request& race_;
  const proto::RaceRun::Stressor& s_;
  proto::RaceRun::Result out_;
  size_t next_ = 0;
  int fd_ = -1;
  std::string devt_;
};

}  // namespace

proto::RaceRun::Reply op_race_run(const proto::RaceRun::Request& req) {
  const unsigned cpus = std::thread::hardware_concurrency();
  for (auto& s : req.stressors) {
    bool known = false;
    for (auto* a : proto::kRaceActions) known |= s.action == a;
    if (!known) throw StepError("unknown race action " + s.action, EINVAL);
    if (s.cpu < 0 || static_cast<unsigned>(s.cpu) >= cpus)
      throw StepError("stressor " + s.action + " pinned to cpu " + std::to_string(s.cpu) + " of " +
                          std::to_string(cpus),
                      EINVAL);
    if (s.action == "poison" && (s.pfns.empty() || !s.path ||
                                 (*s.path != proto::PoisonPath::kCorruptPfn && *s.path != proto::PoisonPath::kHardOffline)))
      throw StepError("a poison stressor needs pfns and a corrupt_pfn or hard_offline path", EINVAL);
    if (s.action == "fault" && s.fault_size == 0) throw StepError("a fault stressor needs fault_size", EINVAL);
  }
  bool churn = false;
  for (auto& s : req.stressors) churn |= s.action == "holder_churn";
  const bool holder = req.hold || churn;
  proto::RaceRun::Reply out;
  if (req.hold) holder_take(req.device);
  else if (holder) read_holder_events();  // what an earlier window left: forgotten
  SigbusGuard guard;
  std::vector<std::unique_ptr<Stressor>> stressors;
  for (auto& s : req.stressors) stressors.push_back(std::make_unique<Stressor>(req, s));
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(req.duration_ms);
  std::vector<std::thread> threads;
  for (auto& s : stressors) threads.emplace_back([&s, start, deadline] { s->run(start, deadline); });
  for (auto& t : threads) t.join();
  if (holder) {
    out.holder_events = read_holder_events(&out.holder_dropped);
    out.holder_read = true;
    // A failed release is not the race's outcome: the guest is thrown away after it.
    if (req.hold) write_attr_errno(kHolderDir + "release", "1");
  }
  out.elapsed_ms = ms_between(start, Clock::now());
  for (auto& s : stressors) out.stressors.push_back(s->result());
  out.size_after = read_u64_or(kDax + req.device + "/size", 0);
  out.driver_after = link_target_name(kDax + req.device + "/driver");
  return out;
}

}  // namespace agent
