#include "TraceParser.h"

#include <regex>

namespace cxlrig {

std::optional<uint64_t> TraceEvent::u64(const std::string& key) const {
  auto it = fields.find(key);
  if (it == fields.end()) return std::nullopt;
  try {
    size_t used = 0;
    uint64_t v = std::stoull(it->second, &used, 0);
    if (used != it->second.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<TraceEvent> parse_trace_line(const std::string& line) {
  if (line.empty() || line[0] == '#') return std::nullopt;
  // "<task>-<pid> [cpu] flags ts: EVENT: (SYMBOL+off/size) k=v k=v"; tracepoints have no
  // "(SYMBOL)" part, kretprobes have "(CALLER <- SYMBOL)".
  static const std::regex re(R"(^\s*.+\[\d+\]\s+\S+\s+[\d.]+: (\S+):(?: \(([^)]*)\))?(.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) return std::nullopt;
  TraceEvent e{m[1].str(), m[2].str(), {}};
  static const std::regex kv(R"((\w+)=(\S+))");
  std::string rest = m[3].str();
  for (std::sregex_iterator it(rest.begin(), rest.end(), kv), end; it != end; ++it)
    e.fields[(*it)[1].str()] = (*it)[2].str();
  return e;
}

std::vector<TraceEvent> parse_trace(const std::vector<std::string>& lines) {
  std::vector<TraceEvent> out;
  for (auto& l : lines)
    if (auto e = parse_trace_line(l)) out.push_back(*e);
  return out;
}

std::optional<uint64_t> memory_failure_pfn(const std::string& line) {
  static const std::regex re(R"(Memory failure: 0x([0-9a-fA-F]+):)");
  std::smatch m;
  if (!std::regex_search(line, m, re)) return std::nullopt;
  return std::stoull(m[1].str(), nullptr, 16);
}

std::string kmsg_message(const std::string& record) {
  auto semi = record.find(';');
  return semi == std::string::npos ? record : record.substr(semi + 1);
}

std::string KprobeDef::definition() const {
  return std::string(ret ? "r:" : "p:") + event + " " + symbol + " " + fetchargs;
}

const std::vector<KprobeDef>& default_kprobes() {
  // int dax_holder_notify_failure(struct dax_device *, u64 off, u64 len, int mf_flags)
  // int memory_failure(unsigned long pfn, int flags)
  static const std::vector<KprobeDef> k = {
      {kNotifyEvent, "dax_holder_notify_failure", "offset=%si:x64 len=%dx:x64 flags=%cx:x32"},
      {kMemoryFailureEvent, "memory_failure", "pfn=%di:x64 flags=%si:x32"},
      // Its return tells the agent an asynchronous memory_failure() (MCE AO, in a kworker)
      // has finished, so collecting does not need a fixed sleep.
      {kMemoryFailureReturnEvent, "memory_failure", "ret=$retval:s32", true},
  };
  return k;
}

}  // namespace cxlrig
