#include "Scenario.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "InputError.h"
#include "JsonFile.h"
#include "Topology.h"

namespace cxlrig {

const char* to_string(PoisonPath p) {
  switch (p) {
    case PoisonPath::kMadvise: return "madvise";
    case PoisonPath::kCorruptPfn: return "corrupt_pfn";
    case PoisonPath::kHardOffline: return "hard_offline";
  }
  return "?";
}

PoisonPath poison_path_from(const std::string& s, const std::string& where) {
  if (s == "madvise") return PoisonPath::kMadvise;
  if (s == "corrupt_pfn") return PoisonPath::kCorruptPfn;
  if (s == "hard_offline") return PoisonPath::kHardOffline;
  throw InputError(where, "unknown poison path \"" + s + "\"", "use madvise, corrupt_pfn or hard_offline");
}

const char* to_string(Observer o) { return o == Observer::kNotifyKprobe ? "notify_kprobe" : "sigbus"; }

const char* to_string(Point p) {
  switch (p) {
    case Point::kFirst: return "first";
    case Point::kInterior: return "interior";
    case Point::kLast: return "last";
  }
  return "?";
}

namespace {
using nlohmann::json;

void only_keys(const json& o, const std::string& where, const std::set<std::string>& allowed) {
  if (!o.is_object()) throw InputError(where, "must be a JSON object");
  for (auto& [k, _] : o.items())
    if (!allowed.count(k)) throw InputError(where + "." + k, "unknown field");
}

std::vector<std::string> strings(const json& o, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  if (!o.contains(key)) return out;
  if (!o[key].is_array()) throw InputError(where + "." + key, "must be a list of strings");
  for (auto& x : o[key]) {
    if (!x.is_string()) throw InputError(where + "." + key, "must be a list of strings");
    out.push_back(x.get<std::string>());
  }
  return out;
}
}  // namespace

Scenario parse_scenario(const json& j, const std::string& w) {
  only_keys(j, w, {"name", "description", "guards", "topology", "timeout_s", "devices", "points", "outside"});
  Scenario s;
  if (!j.contains("name") || !j["name"].is_string()) throw InputError(w + ".name", "missing or not a string");
  s.name = j["name"].get<std::string>();
  s.description = j.value("description", "");
  s.guards = strings(j, "guards", w);
  s.topology = j.value("topology", "vmem-1");
  s.timeout_s = j.value("timeout_s", 240u);
  if (!j.contains("devices") || !j["devices"].is_array() || j["devices"].empty())
    throw InputError(w + ".devices", "needs a non-empty list of devices");
  for (size_t i = 0; i < j["devices"].size(); ++i) {
    const auto& d = j["devices"][i];
    auto dw = w + ".devices[" + std::to_string(i) + "]";
    only_keys(d, dw, {"driver", "ranges", "align", "observer", "paths", "requires"});
    ScenarioDevice sd;
    sd.driver = d.value("driver", "");
    if (sd.driver != "device_dax" && sd.driver != "fsdev_dax")
      throw InputError(dw + ".driver", "unknown driver \"" + sd.driver + "\"", "use device_dax or fsdev_dax");
    sd.ranges = d.value("ranges", 3u);
    if (sd.ranges == 0) throw InputError(dw + ".ranges", "must be at least 1");
    sd.align = d.contains("align") ? parse_size(d["align"], dw + ".align") : 4096;
    if (sd.align < 4096 || (sd.align & (sd.align - 1)))
      throw InputError(dw + ".align", "must be a power of two of at least 4096");
    std::string obs = d.value("observer", sd.driver == "fsdev_dax" ? "notify_kprobe" : "sigbus");
    if (obs == "notify_kprobe") sd.observer = Observer::kNotifyKprobe;
    else if (obs == "sigbus") sd.observer = Observer::kSigbus;
    else throw InputError(dw + ".observer", "unknown observer \"" + obs + "\"", "use notify_kprobe or sigbus");
    if (sd.observer == Observer::kSigbus && sd.driver != "device_dax")
      throw InputError(dw + ".observer", "sigbus needs a mapped device_dax device");
    for (auto& p : strings(d, "paths", dw)) sd.paths.push_back(poison_path_from(p, dw + ".paths"));
    if (sd.paths.empty()) throw InputError(dw + ".paths", "needs at least one poison path");
    for (auto p : sd.paths)
      if (p == PoisonPath::kMadvise && sd.driver != "device_dax")
        throw InputError(dw + ".paths", "madvise needs a mapping: only device_dax devices can be mmapped");
    sd.requires_ = strings(d, "requires", dw);
    s.devices.push_back(sd);
  }
  for (auto& p : strings(j, "points", w)) {
    if (p == "first") s.points.push_back(Point::kFirst);
    else if (p == "interior") s.points.push_back(Point::kInterior);
    else if (p == "last") s.points.push_back(Point::kLast);
    else throw InputError(w + ".points", "unknown point \"" + p + "\"", "use first, interior or last");
  }
  if (s.points.empty()) s.points = {Point::kFirst, Point::kInterior, Point::kLast};
  if (j.contains("outside")) {
    const auto& o = j["outside"];
    only_keys(o, w + ".outside", {"device", "path"});
    s.outside_device = o.value("device", 0);
    if (s.outside_device < 0 || s.outside_device >= static_cast<int>(s.devices.size()))
      throw InputError(w + ".outside.device", "no such device index");
    s.outside_path = poison_path_from(o.value("path", "corrupt_pfn"), w + ".outside.path");
    if (s.outside_path == PoisonPath::kMadvise)
      throw InputError(w + ".outside.path", "a page outside every range cannot be mapped", "use corrupt_pfn or hard_offline");
  }
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  json j = read_json_file(path, "scenario file", "check --scenario (names live in guest-tests/scenarios/)");
  return parse_scenario(j, std::filesystem::path(path).filename().string());
}

std::string resolve_scenario_path(const std::string& n, const std::string& data_dir) {
  if (n.find('/') != std::string::npos || n.ends_with(".json")) return n;
  return data_dir + "/guest-tests/scenarios/" + n + ".json";
}

}  // namespace cxlrig
