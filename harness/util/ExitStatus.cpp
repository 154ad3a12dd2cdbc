#include "ExitStatus.h"

#include <string.h>
#include <sys/wait.h>

#include "TextFile.h"

namespace cxlrig {

std::string describe_wait_status(int raw_status) {
  if (WIFEXITED(raw_status)) return "exited with code " + std::to_string(WEXITSTATUS(raw_status));
  if (WIFSIGNALED(raw_status)) {
    const int sig = WTERMSIG(raw_status);
    const char* abbrev = ::sigabbrev_np(sig);
    return "was killed by signal " + std::to_string(sig) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "") +
           (WCOREDUMP(raw_status) ? ", core dumped" : "");
  }
  return "ended with wait status " + std::to_string(raw_status);
}

std::string last_log_line(const std::string& text, size_t max_chars) {
  std::string line = last_lines(text, 1);
  if (line.size() > max_chars) line = "..." + line.substr(line.size() - max_chars);
  return line;
}

}  // namespace cxlrig
