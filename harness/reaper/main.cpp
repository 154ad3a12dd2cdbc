// cxlrig-reaper CMD ARGS...: runs CMD in a process group of its own and takes that whole
// group down with it. Every child the rig starts through run_command() goes through it.
//
// GNU make's children (sub-makes, cc1, as, objtool) stay in make's process group, but a
// SIGKILL of the rig reaches none of them, and PR_SET_PDEATHSIG on make alone would leave
// the compilers running. The reaper sits between: it gets SIGTERM when the rig dies
// (PR_SET_PDEATHSIG), and on that, on SIGINT/SIGTERM/SIGHUP from the rig, or when CMD
// exits, it sends SIGKILL to CMD's group. It exits with CMD's status (128+signal when it
// had to kill it). The group gets SIGTERM first and SIGKILL 3 s later: make deletes the
// target it was writing when it is told to stop, so an interrupted build leaves no
// half-written object that the next build would take for up to date.
//
// The reaper leaves its parent's process group for one of its own. Reapers nest (bisect
// runs `git bisect run cxlrig bisect-step`, whose make has a reaper of its own): when the
// outer reaper SIGKILLs git's group, an inner reaper still in that group would die before
// its 3 s had passed and before it sent its own group SIGKILL, and make, cc1 and
// sub-makes that outlive SIGTERM would be left running. Out of the group, it hears of its
// parent's death by PR_SET_PDEATHSIG and finishes the job; the rig forwards Ctrl-C itself
// (run_command sends SIGTERM on interrupted()).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <cstdio>
#include <initializer_list>

namespace {

// SIGTERM to the group, then SIGKILL to whatever is left once the command is gone or 3 s
// have passed.
int stop_group(pid_t child, int* status) {
  ::kill(-child, SIGTERM);
  bool reaped = false;
  for (int i = 0; i < 300 && !reaped; ++i) {
    if (::waitpid(child, status, WNOHANG) == child) reaped = true;
    else {
      struct timespec ts = {0, 10 * 1000 * 1000};
      ::nanosleep(&ts, nullptr);
    }
  }
  ::kill(-child, SIGKILL);
  if (!reaped) ::waitpid(child, status, 0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cxlrig-reaper CMD [ARGS...]\n");
    return 127;
  }
  ::setpgid(0, 0);
  const pid_t parent = ::getppid();
  sigset_t wanted, old;
  sigemptyset(&wanted);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&wanted, s);
  ::sigprocmask(SIG_BLOCK, &wanted, &old);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) return 128 + SIGTERM;  // the rig died before prctl took effect

  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("cxlrig-reaper: fork");
    return 127;
  }
  if (child == 0) {
    ::setpgid(0, 0);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::execvp(argv[1], argv + 1);
    std::fprintf(stderr, "cxlrig-reaper: cannot run %s\n", argv[1]);
    ::_exit(127);
  }
  ::setpgid(child, child);  // also here: whichever side runs first, the group exists

  int status = 0;
  for (;;) {
    siginfo_t si;
    const int sig = ::sigwaitinfo(&wanted, &si);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      if (::waitpid(child, &status, WNOHANG) == child) break;
      continue;
    }
    stop_group(child, &status);
    return 128 + sig;
  }
  ::kill(-child, SIGKILL);  // whatever CMD left behind in its group
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
