// The oracle: pure judgement of what the guest observed against the rig's own model of the
// layout it asked for. It never trusts the kernel for the expected value.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  std::optional<size_t> range;  // empty: outside every range
  std::string point;            // first, interior, last, outside
  uint64_t phys = 0;
  PoisonPath path = PoisonPath::kCorruptPfn;
  Observer observer = Observer::kSigbus;
};

// Every device's points, with poison paths rotated so each path meets each point.
std::vector<PoisonTarget> plan_targets(const Scenario& s, const Layout& layout);

struct SigInfo {
  int signo = 0;
  int code = 0;
  uint64_t addr = 0;
  int addr_lsb = 0;
};

struct InjectionObservation {
  int err = 0;                        // errno of the injecting write/madvise, 0 on success
  std::vector<TraceEvent> events;     // kprobe events fired during the injection
  std::vector<SigInfo> signals;       // SIGBUS delivered to the mapper
  std::vector<std::string> kmsg;      // kernel log messages during the injection
  uint64_t map_base = 0;              // device_dax mapping base in the mapper
  bool injector_is_mapper = true;     // the process that injected also holds the mapping
  bool mf_probe_armed = false;
};

struct DeviceReadback {
  std::vector<PhysRange> ranges;
  std::vector<uint64_t> page_offsets;
  uint64_t size = 0;
};

struct CheckRow {
  std::string id;
  std::string device;       // daxX.Y
  std::string driver;
  std::optional<size_t> range;
  std::string point;        // first/interior/last/outside/readback
  std::optional<uint64_t> phys;
  std::string expected;     // text: offsets in hex, or "none"
  std::string observed;
  std::string path;         // poison path, or "sysfs"
  std::string observer;
  Verdict verdict = Verdict::kPass;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
};

inline constexpr int kBusMceerrAr = 4;  // BUS_MCEERR_AR
inline constexpr int kBusMceerrAo = 5;  // BUS_MCEERR_AO

// si_code a dax mapper must see. For ZONE_DEVICE pages mf_generic_kill_procs() adds
// MF_ACTION_REQUIRED|MF_MUST_KILL and collects every mapper (early kill or not) whatever
// the inject path, so kill_proc() sends AR to the mapper that is `current` and AO to any
// other. madvise(MADV_HWPOISON) is always issued by the mapper itself.
int expected_dax_sigbus_code(PoisonPath path, bool injector_is_mapper);

// The model must equal what sysfs reads back (start, end, page_offset of every mappingN,
// and size); a mismatch is a failure of its own.
CheckRow judge_readback(const std::string& device, const std::string& driver,
                        const RangeTable& model, const DeviceReadback& rb);

CheckRow judge_injection(const PoisonTarget& t, const std::string& device, const std::string& driver,
                         const DeviceLayout& model, const InjectionObservation& obs);

// A guest setup step the kernel refused (mapping write, bind, region commit): a finding.
CheckRow setup_failure_row(const std::string& device, const std::string& driver, const std::string& op, int err,
                           const std::string& why);

CheckRow skip_row(const PoisonTarget& t, const std::string& device, const std::string& driver,
                  const std::string& reason);

std::string hex(uint64_t v);

}  // namespace cxlrig
