// The serial console's lines go to whoever watches them (the observe stage's splat scanner);
// the Vm only needs to know whether the guest panicked, so every wait can end at once.
#pragma once
#include <string>

namespace cxlrig {

class ConsoleWatch {
 public:
  virtual ~ConsoleWatch() = default;
  virtual void line(const std::string& text) = 0;
  virtual bool panicked() const = 0;
  // How many splats that kill the task they hit (an Oops) have started so far.
  virtual size_t fatal_splats_seen() const = 0;
};

}  // namespace cxlrig
