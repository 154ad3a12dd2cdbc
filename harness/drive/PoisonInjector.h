// Puts poison on one page by one path and gathers what every observer saw. Guest paths
// are one agent call; host paths open an observation window in the guest, act over QMP
// (HMP `mce`, cxl-inject-poison), then collect. QMP MEMORY_FAILURE events raised during
// the window are part of the observation.
#pragma once
#include <optional>
#include <string>

#include "HdmDecoder.h"
#include "Observation.h"
#include "PoisonPath.h"
#include "Guest.h"

namespace cxlrig {

struct InjectionRequest {
  PoisonPath path = PoisonPath::kCorruptPfn;
  uint64_t phys = 0;
  std::string device;                 // daxX.Y
  std::optional<uint64_t> dev_offset; // madvise: where in the mapping
  bool early_kill = false;
  unsigned expect_signals = 0;        // collect waits for these before settling
  int consumer_cpu = -1;              // MCE AR: the isolated vCPU the consumer spins on
  std::optional<DpaTarget> dpa;       // device poison
  std::string type3_qom;              // cxl-inject-poison: /machine/peripheral/<id>
  bool mf_return_probe = false;       // the memory_failure kretprobe is armed
  bool mf_entry_probe = false;        // and its entry kprobe: with both, a window settles
                                      // once every call has returned (agent/Quiet.h)
};

// The HMP `mce` line for a host MCE at phys (broadcast, as Intel hardware does: a
// single-CPU MCE makes the guest's monarch wait for the others and panic).
std::string mce_command(PoisonPath path, int cpu, uint64_t phys);

class PoisonInjector {
 public:
  PoisonInjector(Guest& guest, Millis step_timeout) : vm_(guest), timeout_(step_timeout) {}
  InjectionObservation inject(const InjectionRequest& r);

 private:
  nlohmann::json host_action(const InjectionRequest& r);
  Guest& vm_;
  Millis timeout_;
};

}  // namespace cxlrig
