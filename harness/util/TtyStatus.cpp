#include "TtyStatus.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cxlrig {

TtyStatus::TtyStatus() {
  const char* off = std::getenv("CXLRIG_PROGRESS");
  enabled_ = ::isatty(STDERR_FILENO) && !(off && std::string_view(off) == "0");
}

void TtyStatus::show(const std::string& text) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%s\x1b[K", text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void TtyStatus::clear() {
  if (!enabled_ || !shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

std::string format_duration(double s) {
  if (s < 0) s = 0;
  const long t = static_cast<long>(s + 0.5);
  if (t < 60) return std::to_string(t) + "s";
  return std::to_string(t / 60) + "m" + (t % 60 < 10 ? "0" : "") + std::to_string(t % 60) + "s";
}

}  // namespace cxlrig
