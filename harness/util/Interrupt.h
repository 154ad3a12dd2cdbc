// SIGINT/SIGTERM become a flag that every wait checks, so an interrupted run still kills
// QEMU and writes its artifacts instead of dying mid-write.
#pragma once
#include <stdexcept>

namespace cxlrig {

// A wait that ended because the user interrupted the rig (exit 130).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted by signal") {}
};

void install_interrupt_handlers();
bool interrupted();
int interrupt_signal();

}  // namespace cxlrig
