// A scenario is data (guest-tests/scenarios/*.json), in the spirit of bpftrace's runtime
// tests: what to lay out (a shape the seed draws layouts from), which driver, which poison
// paths, what it requires (unmet requirements become SKIP rows with the reason), and the
// upstream thread it guards.
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

// first/interior/last page of a range; before/after: the page just outside its start/end.
enum class Point { kFirst, kInterior, kLast, kBefore, kAfter };
const char* to_string(Point p);

struct ScenarioDevice {
  std::string driver;                 // device_dax, fsdev_dax
  DeviceShape shape;                  // range count, alignments and orders to draw from
  bool map = true;                    // device_dax: mmap it and fault in the targets
  std::vector<PoisonPath> paths;      // empty: every path that applies to the driver
  std::vector<std::string> requires_; // "driver:fsdev_dax", "kprobe:dax_holder_notify_failure", ...
  bool fsdev() const { return driver == "fsdev_dax"; }
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> guards;    // upstream threads / commits this guards
  std::string topology;
  unsigned timeout_s = 240;
  unsigned layouts = 1;               // default for --layouts
  std::vector<ScenarioDevice> devices;
  std::vector<Point> points;
  // Poison a page of the region that no device owns, judged for this device.
  int outside_device = -1;
  PoisonPath outside_path = PoisonPath::kHardOffline;
  // After the layouts, find how many ranges one device takes through `mapping`; a FAIL
  // row when fewer than this (0: do not probe).
  unsigned range_limit_at_least = 0;
  // On topologies with a DCD device: extents to add and release over QMP, checked as dax
  // ranges where the kernel takes them and as an extent-shaped layout where it cannot.
  std::optional<DcdSpec> dcd;
};

Scenario parse_scenario(const nlohmann::json& j, const std::string& origin);
Scenario load_scenario_file(const std::string& path);
std::string resolve_scenario_path(const std::string& name_or_path, const std::string& data_dir);

// Does the path make sense for this device at all (madvise needs a mapping)?
bool path_applies(PoisonPath p, const ScenarioDevice& d, bool inside);

}  // namespace cxlrig
