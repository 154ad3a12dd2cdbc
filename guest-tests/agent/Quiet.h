// When an injection window has nothing left to arrive (pure: what the agent read from
// tracefs and /proc, in; a yes or no, out).
//
// memory_failure() queues every SIGBUS it sends before it returns: kill_procs() for an
// early-kill mapper, force_sig_mceerr() for the consumer of an action-required MCE
// (kill_me_maybe(), task_work on the consumer's way back to user mode). So once every
// memory_failure() call the trace saw begin has returned, and no SIGBUS is queued to any
// of the agent's threads, no signal of this window is still on its way. A kretprobe that
// missed a return (maxactive) keeps the window open: settling then lasts its whole limit.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// Lines of tracefs's `trace` whose event is `event` (" event: " as ftrace prints it).
inline int count_trace_events(const std::vector<std::string>& lines, std::string_view event) {
  const std::string needle = " " + std::string(event) + ":";
  int n = 0;
  for (auto& l : lines)
    if (l.find(needle) != std::string::npos) ++n;
  return n;
}

// Every call whose entry probe fired has returned. A return without its entry (a call that
// began before the window cleared the trace) counts for nothing.
inline bool calls_returned(const std::vector<std::string>& lines, std::string_view entry, std::string_view ret) {
  return count_trace_events(lines, ret) >= count_trace_events(lines, entry);
}

// A signal mask field of /proc/<pid>/status ("SigPnd:\t0000000000000040"), or 0 when the
// field is absent.
inline uint64_t status_sigmask(std::string_view status, std::string_view field) {
  const std::string key = "\n" + std::string(field) + ":";
  const std::string text = "\n" + std::string(status);  // the first line starts after a newline too
  size_t at = text.find(key);
  if (at == std::string::npos) return 0;
  at = text.find_first_not_of(" \t", at + key.size());
  uint64_t v = 0;
  if (at != std::string::npos) std::from_chars(text.data() + at, text.data() + text.size(), v, 16);
  return v;
}

// `signo` is queued in a thread's status: to the thread (SigPnd) or to the process (ShdPnd).
inline bool signal_queued(std::string_view status, int signo) {
  const uint64_t bit = uint64_t{1} << (signo - 1);
  return ((status_sigmask(status, "SigPnd") | status_sigmask(status, "ShdPnd")) & bit) != 0;
}

}  // namespace agent
