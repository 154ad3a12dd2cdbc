// A one-line status on stderr that rewrites itself ("kernel: 412/1181 objects, ETA 2m10s"),
// shown only when stderr is a terminal: logs and CI output get nothing extra.
#pragma once
#include <string>

namespace cxlrig {

class TtyStatus {
 public:
  TtyStatus();  // enabled when stderr is a TTY (CXLRIG_PROGRESS=0 turns it off)
  explicit TtyStatus(bool enabled) : enabled_(enabled) {}
  ~TtyStatus() { clear(); }
  bool enabled() const { return enabled_; }
  void show(const std::string& text);
  void clear();  // before a normal line is printed, and at the end

 private:
  bool enabled_ = false;
  bool shown_ = false;
};

// "2m10s", "45s".
std::string format_duration(double seconds);

}  // namespace cxlrig
