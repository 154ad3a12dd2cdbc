#include "ExpectedObservations.h"

namespace cxlrig {

const char* to_string(SignalKind k) {
  switch (k) {
    case SignalKind::kNone: return "none";
    case SignalKind::kMceerrAr: return "BUS_MCEERR_AR";
    case SignalKind::kMceerrAo: return "BUS_MCEERR_AO";
    case SignalKind::kKernel: return "SIGBUS/SI_KERNEL";
  }
  return "?";
}

ExpectedObservations expected_observations(const InjectionContext& c) {
  ExpectedObservations e;
  const PathTraits& t = traits(c.path);
  if (c.path == PoisonPath::kMceAo || c.path == PoisonPath::kMceAr) {
    e.qmp_events = c.vcpus;
    e.qmp_action_required = c.path == PoisonPath::kMceAr;
    e.rules.push_back("qmp: `mce -b` raises the MCE on every vCPU; QEMU emits MEMORY_FAILURE (inject) for each");
  }
  if (t.device_poison) {
    e.cxl_record = true;
    e.rules.push_back(
        "cxl: device poison only enters the poison list (trigger_poison_list -> cxl_poison hpa/dpa); it never "
        "calls memory_failure(), so no other observer may fire");
    return e;
  }

  // Outside every range the pfn has no struct page (ranges are 2 MiB sections of their own):
  // corrupt-pfn refuses it with ENXIO before memory_failure(); every other path enters it.
  if (!c.inside && c.path == PoisonPath::kCorruptPfn) {
    e.rules.push_back("mf: hwpoison_inject refuses a pfn without a struct page (ENXIO)");
  } else {
    e.mf_entry = Presence::kOnce;
    e.mf_flags = *t.mf_flags;
    e.kmsg = c.inside ? Presence::kOnce : Presence::kOptional;
    e.rules.push_back("mf: memory_failure() is entered once for the pfn");
  }

  if (c.fsdev) {
    if (c.inside) {
      e.notify = Presence::kOnce;
      e.notify_flags = e.mf_flags;
      e.rules.push_back("notify: fsdev_pagemap_memory_failure() passes the offset of the pfn in dev_dax->ranges");
    } else {
      e.notify = Presence::kOptional;
      e.rules.push_back("notify: a pfn in no range must not be attributed to an offset (U64_MAX if called)");
    }
  }

  if (c.path == PoisonPath::kMceAr) {
    // kill_me_maybe() runs in the consumer (the pinned spinner, a thread of the mapper).
    if (c.mapped && c.inside) {
      e.signal = SignalKind::kMceerrAr;
      e.rules.push_back("sigbus: the AR consumer is current and maps the page: force_sig_mceerr(BUS_MCEERR_AR)");
    } else if (c.faulted && c.inside) {
      e.rules.push_back(
          "sigbus: the page was faulted in but is no longer mapped: memory_failure() has nobody to kill and "
          "recovers, so kill_me_maybe() sends nothing");
    } else {
      e.signal = SignalKind::kKernel;
      e.rules.push_back(
          "sigbus: memory_failure() cannot recover a page nobody maps (or no page at all), so kill_me_maybe() "
          "falls back to force_sig(SIGBUS)");
    }
  } else if (c.faulted && c.inside && !c.mapped) {
    e.rules.push_back("sigbus: an earlier poison in the same align block unmapped it: no mapper, no signal");
  } else if (c.mapped && c.inside) {
    // mf_generic_kill_procs() adds MF_ACTION_REQUIRED and collects with force_early:
    // a mapper sharing current's mm gets AR; any other needs PR_MCE_KILL_EARLY and gets AO.
    if (t.runs_in_mapper) {
      e.signal = SignalKind::kMceerrAr;
      e.rules.push_back("sigbus: memory_failure() runs in the mapper: BUS_MCEERR_AR to it, early kill or not");
    } else if (c.early_kill) {
      e.signal = SignalKind::kMceerrAo;
      e.rules.push_back("sigbus: memory_failure() runs in a kworker: BUS_MCEERR_AO to the early-kill mapper");
    } else {
      e.rules.push_back("sigbus: memory_failure() runs in a kworker and the mapper did not opt into early kill: none");
    }
  }
  return e;
}

}  // namespace cxlrig
