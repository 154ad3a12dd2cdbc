// The two fields of /proc/<pid>/task/<tid>/stat that say where a thread is: its state
// (R, S, D, ...) and the cpu it last ran on (fields 3 and 39, proc(5)). Parsed after the
// last ')', since the command name in field 2 may itself hold spaces and parentheses.
#pragma once
#include <optional>
#include <sstream>
#include <string>

namespace agent {

struct ThreadStat {
  std::string state;
  int last_cpu = -1;
};

inline std::optional<ThreadStat> parse_thread_stat(const std::string& line) {
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(line.substr(close + 1));
  ThreadStat t;
  if (!(in >> t.state)) return std::nullopt;
  std::string field;
  for (int n = 4; n <= 39; ++n)  // field 3 was the state
    if (!(in >> field)) return std::nullopt;
  try {
    t.last_cpu = std::stoi(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return t;
}

}  // namespace agent
