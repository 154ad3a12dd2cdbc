// cxlrig-reaper CMD ARGS...: runs CMD in a process group of its own and takes that whole
// group down with it. Every child the rig starts through run_command() goes through it.
//
// GNU make's children (sub-makes, cc1, as, objtool) stay in make's process group, but a
// SIGKILL of the rig reaches none of them, and PR_SET_PDEATHSIG on make alone would leave
// the compilers running. The reaper sits between: it gets SIGTERM when the rig dies
// (PR_SET_PDEATHSIG), and on that, on SIGINT/SIGTERM/SIGHUP from the rig, or when CMD
// exits, it sends SIGKILL to CMD's group. It exits with CMD's status (128+signal when it
// had to kill it).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <initializer_list>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cxlrig-reaper CMD [ARGS...]\n");
    return 127;
  }
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
    ::kill(-child, SIGKILL);
    ::waitpid(child, &status, 0);
    return 128 + sig;
  }
  ::kill(-child, SIGKILL);  // whatever CMD left behind in its group
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
