// The oracle: pure judgement of what the guest observed against the rig's own model of the
// layout it asked for. It never trusts the kernel for the expected value. Every observer
// is judged on its own (a cell per observer), so a row says exactly which one disagrees.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "CxlPoison.h"
#include "ExpectedObservations.h"
#include "LayoutGenerator.h"
#include "RangeTable.h"
#include "Scenario.h"
#include "TraceParser.h"

namespace cxlrig {

enum class Verdict { kPass, kFail, kSkip };
const char* to_string(Verdict v);

// One page to poison, chosen from the model before anything runs.
struct PoisonTarget {
  size_t device = 0;
  std::optional<size_t> range;  // the range the point belongs to (before/after: borders)
  bool inside = true;           // the page lies in one of the device's ranges
  std::string point;            // first, interior, last, before, after, outside
  uint64_t phys = 0;
  PoisonPath path = PoisonPath::kCorruptPfn;
  bool early_kill = false;      // the mapper's PR_MCE_KILL policy for this injection
};

// Every device's points, with the enabled paths that apply rotated so each path meets each
// point, and the early-kill policy alternating per round of paths. `enabled` empty: the
// scenario's paths (or all that apply).
std::vector<PoisonTarget> plan_targets(const Scenario& s, const Layout& layout,
                                       const std::vector<PoisonPath>& enabled, size_t layout_index = 0);

struct SigInfo {
  int signo = 0;
  int code = 0;
  uint64_t addr = 0;
  int addr_lsb = 0;
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
  // Device poison: the records listed after injecting, and after clearing.
  std::vector<CxlPoisonRecord> listed, after_clear;
  int clear_err = 0;
};

struct ObserverCell {
  std::string observer;  // notify, sigbus, mf, kmsg, qmp, cxl, sysfs
  std::string expected;
  std::string observed;
  Verdict verdict = Verdict::kPass;
};

struct CheckRow {
  std::string id;
  size_t layout = 0;
  std::string device;       // daxX.Y
  std::string driver;
  std::optional<size_t> range;
  std::string point;        // first/interior/last/before/after/outside/readback/setup
  std::optional<uint64_t> phys;
  std::string expected;     // the device offset the kernel must report, or "outside"
  std::string path;         // poison path, or "sysfs"
  std::vector<ObserverCell> cells;
  Verdict verdict = Verdict::kPass;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
  const ObserverCell* cell(const std::string& observer) const;
};

inline constexpr int kBusMceerrAr = 4;  // BUS_MCEERR_AR
inline constexpr int kBusMceerrAo = 5;  // BUS_MCEERR_AO
inline constexpr int kSiKernel = 0x80;  // SI_KERNEL

struct DeviceReadback {
  std::vector<PhysRange> ranges;
  std::vector<uint64_t> page_offsets;
  uint64_t size = 0;
};

// The model must equal what sysfs reads back (start, end, page_offset of every mappingN,
// and size); a mismatch is a failure of its own.
CheckRow judge_readback(const std::string& device, const std::string& driver,
                        const RangeTable& model, const DeviceReadback& rb);

// Where device poison for the target went: the memdev and DPA the rig injected at.
struct DpaTarget {
  std::string memdev;
  uint64_t dpa = 0;
  std::string region;
};

CheckRow judge_injection(const PoisonTarget& t, const std::string& device, const std::string& driver,
                         const DeviceLayout& model, const InjectionContext& ctx, const InjectionObservation& obs,
                         const std::optional<DpaTarget>& dpa = std::nullopt);

// A guest setup step the kernel refused (mapping write, bind, region commit): a finding.
CheckRow setup_failure_row(const std::string& device, const std::string& driver, const std::string& op, int err,
                           const std::string& why);

CheckRow skip_row(const PoisonTarget& t, const std::string& device, const std::string& driver,
                  const std::string& reason);

std::string hex(uint64_t v);

}  // namespace cxlrig
