// SIGINT/SIGTERM become a flag that every wait checks, so an interrupted run still kills
// QEMU and writes its artifacts instead of dying mid-write.
#pragma once

namespace cxlrig {

void install_interrupt_handlers();
bool interrupted();
int interrupt_signal();

}  // namespace cxlrig
