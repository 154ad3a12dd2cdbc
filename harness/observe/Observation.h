// What the guest and the host saw around one injection, parsed from the agent's raw reply
// (trace lines, kmsg records, caught signals) and QMP events. No judgement here: the judge
// stage compares this with what each observer must see.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "CxlPoison.h"
#include "RangeTable.h"
#include "TraceParser.h"

namespace cxlrig {

inline constexpr int kBusMceerrAr = 4;  // BUS_MCEERR_AR
inline constexpr int kBusMceerrAo = 5;  // BUS_MCEERR_AO
inline constexpr int kSiKernel = 0x80;  // SI_KERNEL

struct SigInfo {
  int signo = 0;
  int code = 0;
  uint64_t addr = 0;
  int addr_lsb = 0;
};

// What cxlrig_holder's ->notify_failure was told: a filesystem's view of the poison.
struct HolderNotice {
  uint64_t offset = 0, len = 0;
  int flags = 0;
};

struct QmpMemoryFailure {
  std::string recipient, action;
  bool action_required = false;
};

struct InjectionObservation {
  int err = 0;                        // errno of the injecting write/madvise/QMP, 0 on success
  std::string err_text;
  std::vector<TraceEvent> events;     // kprobe events fired during the injection
  std::vector<SigInfo> signals;       // SIGBUS the agent caught (any of its threads)
  std::vector<std::string> kmsg;      // kernel log messages during the injection
  std::vector<QmpMemoryFailure> qmp;  // QMP MEMORY_FAILURE events during the injection
  uint64_t map_base = 0;              // device_dax mapping base in the agent
  bool mf_probe_armed = false;
  // The window waited for memory_failure()'s kretprobe (an MCE AO runs it in a kworker);
  // event_seen false then means it had not returned when the wait timed out.
  bool waited_for_return = false;
  bool event_seen = true;
  // Device poison: the records listed after injecting, and after clearing.
  std::vector<CxlPoisonRecord> listed, after_clear;
  int clear_err = 0;
  // fsdev_dax with the cxlrig_holder module: what the holder was told in the window
  // (none: not held); holder_error says why the hold was refused.
  std::optional<std::vector<HolderNotice>> holder;
  std::string holder_error;
};

// A dax device's ranges as sysfs reads them back (mappingN/{start,end,page_offset}, size).
struct DeviceReadback {
  std::vector<PhysRange> ranges;
  std::vector<uint64_t> page_offsets;
  uint64_t size = 0;
};

}  // namespace cxlrig
