// CPU a benchmark's children used: the measure behind every core-seconds figure here.
#pragma once
#include <sys/resource.h>

// User + system seconds of every waited-for descendant so far: make and its compilers roll up
// into it as each is reaped, so a difference around one command is that command's CPU.
inline double children_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}
