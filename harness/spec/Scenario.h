// A scenario is data (guest-tests/scenarios/*.json), in the spirit of bpftrace's runtime
// tests: a `kind` that says what runs, a few declarative fields of that kind, what it
// requires (checked against the protocol's capability table when the file is read, turned
// into SKIP rows with the reason when the kernel lacks it), and the upstream thread it
// guards. The file chooses the kind; nothing infers it from the topology.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "DcdSpec.h"
#include "DeviceShape.h"
#include "PoisonPath.h"

namespace cxlrig {

enum class ScenarioKind {
  kLayoutPoison,  // lay devices out through `mapping`, bind, poison their pages by every path
  kStaticDevice,  // a pmem namespace's static dax device, bound to each driver in turn
  kDcd,           // dynamic capacity extents over QMP, and their extent-shaped fallback
  kRangeLimit,    // how many ranges `mapping` takes on one device, and whether it binds
  kReconfig,      // reconfigure a bound device (a `mapping` write), expect a refusal, show the consequence
  kRace,          // stressors at once on a bound device, N boots; a run hits when an expected splat shows
};
const char* to_string(ScenarioKind k);
const std::vector<ScenarioKind>& all_scenario_kinds();
// Throws InputError naming `where` and listing the kinds.
ScenarioKind scenario_kind_from(const std::string& s, const std::string& where);

// first/interior/last page of a range; before/after: the page just outside its start/end.
enum class Point { kFirst, kInterior, kLast, kBefore, kAfter };
const char* to_string(Point p);

struct ScenarioDevice {
  std::string driver;                 // device_dax, fsdev_dax
  DeviceShape shape;                  // range count, alignments and orders to draw from
  bool map = true;                    // device_dax: mmap it and fault in the targets
  std::vector<PoisonPath> paths;      // empty: every path that applies to the driver
  std::vector<std::string> requires_; // capability keys, e.g. "driver:fsdev_dax"
  bool fsdev() const { return driver == "fsdev_dax"; }
};

struct RangeLimitSpec {
  std::string driver = "device_dax";  // bound after the writes
  uint64_t granule = 2ull << 20;      // each range's size (ZONE_DEVICE ranges are 2 MiB subsections)
  uint64_t align = 4096;
  unsigned at_least = 1;              // FAIL when `mapping` takes fewer
};

// A reconfiguration of a device while a driver is bound. Each driver gets a guest of its own:
// when the kernel takes the write, what follows can oops and take the guest with it.
struct ReconfigSpec {
  std::vector<std::string> drivers;     // device_dax, fsdev_dax
  unsigned ranges = 1;                  // the device's ranges before the write
  uint64_t range_size = 2ull << 20;     // each, and the range written while bound
  uint64_t align = 2ull << 20;
  std::vector<PoisonPath> paths = {PoisonPath::kCorruptPfn};  // fsdev_dax: how the old and new ranges are poisoned
};

// One loop of a race: an action (proto::kRaceActions) on its own vCPU.
struct RaceStressorSpec {
  std::string action;
  uint64_t iterations = 0;             // 0: until the race's duration ends
  std::optional<PoisonPath> path;      // poison: corrupt_pfn or hard_offline
  bool reset = false;                  // grow_mapping: unbind, size 0 and rebind when the region is full
  unsigned interval_ms = 0;            // pause after each iteration
};

// A race: a device laid out and bound, stressors started together, `runs` boots. A run
// hits when its console shows a splat whose title matches one of `expect` (shell globs).
struct RaceSpec {
  std::string driver;                       // device_dax, fsdev_dax
  unsigned ranges = 1;                      // the device's ranges when the race starts
  uint64_t range_size = 2ull << 20;         // each, and each range a grow writes
  uint64_t align = 2ull << 20;
  std::vector<RaceStressorSpec> stressors;  // two or more
  unsigned duration_s = 20;                 // default for --duration
  unsigned runs = 3;                        // default for --runs
  std::vector<std::string> expect;          // splat title globs that count as reproduction
  std::vector<std::string> expected_errnos; // errno names that are an outcome, not a broken stressor (EBUSY)
  std::vector<std::string> window;          // images/patches/ files applied to a --kernel-tree build only
  std::vector<std::string> kernel_args;     // boot knobs (kcsan.skip_watch=...)
  // fsdev_dax: cxlrig_holder holds the device through the race where the kernel has the
  // module, and every notify_failure offset it is told is checked against the poisoned
  // pages (a holder_churn stressor holds it anyway).
  bool holder = false;
};

struct Scenario {
  ScenarioKind kind = ScenarioKind::kLayoutPoison;
  std::string name;
  std::string description;
  std::vector<std::string> guards;    // upstream threads / commits this guards
  std::string topology;
  unsigned timeout_s = 240;
  std::vector<std::string> requires_; // capability keys the whole scenario needs

  // layout_poison and static_device (dcd: one device, its fallback's driver)
  unsigned layouts = 1;               // default for --layouts
  std::vector<ScenarioDevice> devices;
  std::vector<Point> points;
  // Poison a page of the region that no device owns, judged for this device.
  int outside_device = -1;
  PoisonPath outside_path = PoisonPath::kHardOffline;

  std::optional<DcdSpec> dcd;                 // dcd
  std::optional<RangeLimitSpec> range_limit;  // range_limit
  std::optional<ReconfigSpec> reconfig;       // reconfig
  std::optional<RaceSpec> race;               // race

  // Guests the scenario boots, one after the other (a reconfig check per driver).
  size_t guests() const { return reconfig ? reconfig->drivers.size() : race ? race->runs : 1; }

  // The CXL region mode the kind works on: a static device lives in a pmem namespace,
  // every other kind lays devices out in a ram region's dax_region.
  std::string region_mode() const { return kind == ScenarioKind::kStaticDevice ? "pmem" : "ram"; }
};

Scenario parse_scenario(const nlohmann::json& j, const std::string& origin);
Scenario load_scenario_file(const std::string& path);
std::string resolve_scenario_path(const std::string& name_or_path, const std::string& data_dir);

// Does the path make sense for this device at all (madvise needs a mapping)?
bool path_applies(PoisonPath p, const ScenarioDevice& d, bool inside);

}  // namespace cxlrig
