// A scenario is data (guest-tests/scenarios/*.json), in the spirit of bpftrace's runtime
// tests: what to lay out, which driver, which poison paths, what it requires (unmet
// requirements become SKIP rows with the reason), and the upstream thread it guards.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

enum class PoisonPath { kMadvise, kCorruptPfn, kHardOffline };
const char* to_string(PoisonPath p);
PoisonPath poison_path_from(const std::string& s, const std::string& where);

enum class Observer { kNotifyKprobe, kSigbus };
const char* to_string(Observer o);

enum class Point { kFirst, kInterior, kLast };
const char* to_string(Point p);

struct ScenarioDevice {
  std::string driver;                 // device_dax, fsdev_dax
  unsigned ranges = 3;
  uint64_t align = 4096;
  Observer observer = Observer::kSigbus;
  std::vector<PoisonPath> paths;      // rotated over points so every path meets every point
  std::vector<std::string> requires_; // "driver:fsdev_dax", "kprobe:dax_holder_notify_failure", ...
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> guards;    // upstream threads / commits this guards
  std::string topology;
  unsigned timeout_s = 240;
  std::vector<ScenarioDevice> devices;
  std::vector<Point> points;
  // Poison a page of the region that no device owns, seen through this device's observer.
  int outside_device = -1;
  PoisonPath outside_path = PoisonPath::kCorruptPfn;
};

Scenario parse_scenario(const nlohmann::json& j, const std::string& origin);
Scenario load_scenario_file(const std::string& path);
std::string resolve_scenario_path(const std::string& name_or_path, const std::string& data_dir);

}  // namespace cxlrig
