// What every observer must see for one injection, derived from the poison path and the
// device: the table the oracle judges against. Each rule carries its reason (the kernel
// code that makes it so), shown on the row when the observation disagrees.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "PoisonPath.h"

namespace cxlrig {

struct InjectionContext {
  PoisonPath path = PoisonPath::kCorruptPfn;
  bool fsdev = false;        // the device's pgmap has a ->memory_failure op (fsdev_dax)
  bool faulted = false;      // device_dax page faulted in by the agent (the folio has a mapping)
  bool mapped = false;       // ... and still mapped: an earlier poison in its block unmaps it
  bool inside = true;        // the target lies in one of the device's ranges
  bool early_kill = false;   // the mapper opted into early kill (PR_MCE_KILL_EARLY)
  unsigned vcpus = 1;        // MCE injection is broadcast to every vCPU
};

enum class Presence { kNone, kOnce, kOptional };  // kOptional: if seen, it must match
enum class SignalKind { kNone, kMceerrAr, kMceerrAo, kKernel };
const char* to_string(SignalKind k);

struct ExpectedObservations {
  Presence mf_entry = Presence::kNone;  // memory_failure() kprobe, at the target's pfn
  int mf_flags = 0;
  Presence kmsg = Presence::kNone;      // "Memory failure: 0x<pfn>: ..." lines
  // dax_holder_notify_failure(): kOnce at the device offset; kOptional means "none, or
  // U64_MAX" (a pfn the device's pgmap covers but no range does).
  Presence notify = Presence::kNone;
  int notify_flags = 0;
  SignalKind signal = SignalKind::kNone;  // SIGBUS to the mapper (or to the AR consumer)
  unsigned qmp_events = 0;                // QMP MEMORY_FAILURE events (one per vCPU hit)
  bool qmp_action_required = false;       // one of them carries action-required
  bool cxl_record = false;                // a poison-list record at the DPA, then cleared
  std::vector<std::string> rules;         // why, one line per observer that expects something
};

ExpectedObservations expected_observations(const InjectionContext& c);

}  // namespace cxlrig
