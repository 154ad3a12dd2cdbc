// Parses what the guest hands back raw: tracefs kprobe event lines and /dev/kmsg records.
// Parsing stays on the host so it is unit-tested on captured text.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cxlrig {

struct TraceEvent {
  std::string event;   // e.g. "cxlrig_notify"
  std::string probe;   // e.g. "dax_holder_notify_failure+0x0/0x90"
  std::map<std::string, std::string> fields;
  std::optional<uint64_t> u64(const std::string& key) const;
};

// One line of /sys/kernel/tracing/trace; comments and unrelated lines give nothing.
std::optional<TraceEvent> parse_trace_line(const std::string& line);
std::vector<TraceEvent> parse_trace(const std::vector<std::string>& lines);

// "Memory failure: 0x3d4000: recovery action for dax page: Recovered" -> 0x3d4000.
std::optional<uint64_t> memory_failure_pfn(const std::string& kmsg_line);
// The message part of a /dev/kmsg record "pri,seq,usec,flags;message".
std::string kmsg_message(const std::string& record);

// Kprobe definitions the agent arms (x86-64 calling convention: di, si, dx, cx).
struct KprobeDef {
  std::string event;
  std::string symbol;
  std::string fetchargs;
  bool ret = false;                // a kretprobe
  std::string definition() const;  // the line written to kprobe_events
};
const std::vector<KprobeDef>& default_kprobes();
inline constexpr const char* kNotifyEvent = "cxlrig_notify";
inline constexpr const char* kMemoryFailureEvent = "cxlrig_mf";
inline constexpr const char* kMemoryFailureReturnEvent = "cxlrig_mf_ret";  // the agent waits for it

}  // namespace cxlrig
