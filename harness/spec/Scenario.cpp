#include "Scenario.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <string.h>

#include "Capabilities.h"
#include "InputError.h"
#include "JsonFile.h"
#include "SpecFields.h"
#include "Topology.h"

namespace cxlrig {

const char* to_string(Point p) {
  switch (p) {
    case Point::kFirst: return "first";
    case Point::kInterior: return "interior";
    case Point::kLast: return "last";
    case Point::kBefore: return "before";
    case Point::kAfter: return "after";
  }
  return "?";
}

bool path_applies(PoisonPath p, const ScenarioDevice& d, bool inside) {
  const auto& t = traits(p);
  if (t.needs_mapping) return inside && !d.fsdev() && d.map;
  // Device poison is addressed by DPA: only pages the region decodes have one, and the
  // rig only picks those inside a range.
  if (t.device_poison) return inside;
  return true;
}

namespace {
using nlohmann::json;

// "ranges": 3, or [min, max] to draw from.
void parse_ranges(const json& d, const std::string& w, DeviceShape& s) {
  if (!d.contains("ranges")) return;
  const auto& r = d["ranges"];
  if (r.is_array()) {
    if (r.size() != 2) throw InputError(w, "must be a count or [min, max]");
    s.min_ranges = positive(r[0], w + "[0]");
    s.max_ranges = positive(r[1], w + "[1]");
    if (s.min_ranges > s.max_ranges) throw InputError(w, "min is above max");
  } else {
    s.min_ranges = s.max_ranges = positive(r, w);
  }
}

void parse_aligns(const json& d, const std::string& w, DeviceShape& s) {
  if (!d.contains("align")) return;
  s.aligns.clear();
  const json list = d["align"].is_array() ? d["align"] : json::array({d["align"]});
  for (size_t i = 0; i < list.size(); ++i) {
    uint64_t a = parse_size(list[i], w);
    if (a != 4096 && a != (2ull << 20) && a != (1ull << 30))
      throw InputError(w, "device-dax alignments are 4K, 2M or 1G", "use 4K, 2M or 1G");
    s.aligns.push_back(a);
  }
  if (s.aligns.empty()) throw InputError(w, "needs at least one alignment");
}

void parse_orders(const json& d, const std::string& w, DeviceShape& s) {
  if (!d.contains("order")) return;
  s.orders.clear();
  const json list = d["order"].is_array() ? d["order"] : json::array({d["order"]});
  for (auto& o : list) {
    std::string v = o.is_string() ? o.get<std::string>() : "";
    if (v == "shuffled") s.orders.push_back(RangeOrder::kShuffled);
    else if (v == "ascending") s.orders.push_back(RangeOrder::kAscending);
    else if (v == "descending") s.orders.push_back(RangeOrder::kDescending);
    else throw InputError(w, "unknown order \"" + v + "\"", "use shuffled, ascending or descending");
  }
  if (s.orders.empty()) throw InputError(w, "needs at least one order");
}
}  // namespace

DcdSpec parse_dcd(const json& d, const std::string& w) {
  only_keys(d, w, {"guards", "region", "tag", "extents", "driver", "requires"});
  DcdSpec s;
  s.guards = strings(d, "guards", w);
  if (d.contains("region")) {
    if (!d["region"].is_number_unsigned()) throw InputError(w + ".region", "must be a DC region index (0-7)");
    s.region = d["region"].get<unsigned>();
  }
  s.tag = d.value("tag", "");
  s.driver = d.value("driver", "device_dax");
  if (s.driver != "device_dax") throw InputError(w + ".driver", "extents are checked on device_dax only", "use device_dax");
  s.requires_ = strings(d, "requires", w);
  check_capability_keys(s.requires_, w + ".requires");
  if (!d.contains("extents") || !d["extents"].is_array() || d["extents"].empty())
    throw InputError(w + ".extents", "needs a non-empty list of {offset, len}");
  for (size_t i = 0; i < d["extents"].size(); ++i) {
    const auto& e = d["extents"][i];
    auto ew = w + ".extents[" + std::to_string(i) + "]";
    only_keys(e, ew, {"offset", "len"});
    if (!e.contains("offset") || !e.contains("len")) throw InputError(ew, "needs offset and len");
    DcdExtent x{parse_size(e["offset"], ew + ".offset"), parse_size(e["len"], ew + ".len")};
    if (x.offset % kDcBlock) throw InputError(ew + ".offset", "must be a multiple of 2 MiB (the DC block size)");
    if (x.len == 0 || x.len % kDcBlock) throw InputError(ew + ".len", "must be a non-zero multiple of 2 MiB (the DC block size)");
    s.extents.push_back(x);
  }
  return s;
}

namespace {

struct KindFields {
  ScenarioKind kind;
  const char* name;
  std::set<std::string> fields;  // beyond the common ones
};

const std::vector<KindFields>& kinds() {
  static const std::vector<KindFields> k = {
      {ScenarioKind::kLayoutPoison, "layout_poison", {"layouts", "devices", "points", "outside"}},
      {ScenarioKind::kStaticDevice, "static_device", {"devices", "points"}},
      {ScenarioKind::kDcd, "dcd", {"dcd", "points"}},
      {ScenarioKind::kRangeLimit, "range_limit", {"range_limit"}},
      {ScenarioKind::kReconfig, "reconfig", {"reconfig"}},
      {ScenarioKind::kRace, "race", {"race"}},
  };
  return k;
}

const std::set<std::string> kCommonFields = {"kind", "name", "description", "guards", "topology", "timeout_s", "requires"};

// A dax driver the rig binds; `where` names the field.
const std::string& known_driver(const std::string& d, const std::string& where) {
  if (d != "device_dax" && d != "fsdev_dax")
    throw InputError(where, "unknown driver \"" + d + "\"", "use device_dax or fsdev_dax");
  return d;
}
std::string driver_field(const json& j, const std::string& key, const std::string& w) {
  return known_driver(str(j, key, w), w + "." + key);
}

// A device of `ranges` ranges of `range_size` each (reconfig, race): the optional fields
// over the defaults the spec struct holds.
void parse_range_block(const json& r, const std::string& w, unsigned& ranges, uint64_t& range_size, uint64_t& align) {
  if (r.contains("ranges")) ranges = positive(r["ranges"], w + ".ranges", 64);
  if (r.contains("range_size")) range_size = parse_size(r["range_size"], w + ".range_size");
  if (range_size == 0 || range_size % (2ull << 20))
    throw InputError(w + ".range_size", "must be a non-zero multiple of 2 MiB (range starts are 2 MiB aligned)");
  if (r.contains("align")) align = parse_size(r["align"], w + ".align");
  if (align != 4096 && align != (2ull << 20)) throw InputError(w + ".align", "must be 4K or 2M");
}

ScenarioDevice parse_device(const json& d, const std::string& dw, ScenarioKind kind) {
  // A static device keeps the one range the kernel gave it: no shape to draw.
  if (kind == ScenarioKind::kStaticDevice) only_keys(d, dw, {"driver", "map", "paths", "requires"});
  else only_keys(d, dw, {"driver", "ranges", "align", "order", "map", "paths", "requires"});
  ScenarioDevice sd;
  sd.driver = driver_field(d, "driver", dw);
  parse_ranges(d, dw + ".ranges", sd.shape);
  parse_aligns(d, dw + ".align", sd.shape);
  parse_orders(d, dw + ".order", sd.shape);
  sd.map = bool_or(d, "map", dw, true);
  if (sd.map && sd.fsdev()) sd.map = false;  // fsdev_dax has no character device to map
  for (auto& p : strings(d, "paths", dw)) sd.paths.push_back(poison_path_from(p, dw + ".paths"));
  if (d.contains("paths") && sd.paths.empty()) throw InputError(dw + ".paths", "needs at least one poison path", "omit it for every path");
  for (auto p : sd.paths)
    if (!path_applies(p, sd, true))
      throw InputError(dw + ".paths", std::string(to_string(p)) + " needs a mapping: only a mapped device_dax device has one");
  sd.requires_ = strings(d, "requires", dw);
  check_capability_keys(sd.requires_, dw + ".requires");
  return sd;
}

std::vector<Point> parse_points(const json& j, const std::string& w) {
  std::vector<Point> out;
  for (auto& p : strings(j, "points", w)) {
    bool ok = false;
    for (Point q : {Point::kFirst, Point::kInterior, Point::kLast, Point::kBefore, Point::kAfter})
      if (p == to_string(q)) out.push_back(q), ok = true;
    if (!ok) throw InputError(w + ".points", "unknown point \"" + p + "\"", "use first, interior, last, before or after");
  }
  if (out.empty()) out = {Point::kFirst, Point::kInterior, Point::kLast};
  return out;
}

RangeLimitSpec parse_range_limit(const json& r, const std::string& w) {
  only_keys(r, w, {"driver", "granule", "align", "at_least"});
  RangeLimitSpec s;
  s.driver = driver_field(r, "driver", w);
  if (r.contains("granule")) s.granule = parse_size(r["granule"], w + ".granule");
  if (s.granule == 0 || s.granule % (2ull << 20))
    throw InputError(w + ".granule", "must be a non-zero multiple of 2 MiB (range starts are 2 MiB aligned)");
  if (r.contains("align")) s.align = parse_size(r["align"], w + ".align");
  s.at_least = positive(need(r, "at_least", w), w + ".at_least");
  return s;
}

ReconfigSpec parse_reconfig(const json& r, const std::string& w) {
  only_keys(r, w, {"drivers", "ranges", "range_size", "align", "paths"});
  ReconfigSpec s;
  s.drivers = strings(r, "drivers", w);
  if (s.drivers.empty()) throw InputError(w + ".drivers", "needs at least one driver", "list device_dax and/or fsdev_dax");
  for (size_t i = 0; i < s.drivers.size(); ++i) known_driver(s.drivers[i], index_path(w, "drivers", i));
  parse_range_block(r, w, s.ranges, s.range_size, s.align);
  if (r.contains("paths")) {
    s.paths.clear();
    for (auto& p : strings(r, "paths", w)) s.paths.push_back(poison_path_from(p, w + ".paths"));
    for (auto p : s.paths)
      if (p != PoisonPath::kCorruptPfn && p != PoisonPath::kHardOffline && p != PoisonPath::kMceAo)
        throw InputError(w + ".paths", std::string(to_string(p)) + " cannot poison an fsdev_dax page here",
                         "use corrupt_pfn, hard_offline or mce_ao");
  }
  return s;
}

RaceStressorSpec parse_stressor(const json& j, const std::string& w) {
  only_keys(j, w, {"action", "iterations", "path", "reset", "interval_ms"});
  RaceStressorSpec s;
  s.action = str(j, "action", w);
  std::vector<std::string> actions;
  for (auto* a : proto::kRaceActions) actions.push_back(a);
  if (std::find(actions.begin(), actions.end(), s.action) == actions.end())
    throw InputError(w + ".action", "unknown race action \"" + s.action + "\"", "use one of: " + join(actions));
  if (j.contains("iterations")) s.iterations = positive(j["iterations"], w + ".iterations");
  if (j.contains("interval_ms")) s.interval_ms = positive(j["interval_ms"], w + ".interval_ms", 60000);
  if (s.action == "poison") {
    s.path = poison_path_from(str(j, "path", w), w + ".path");
    if (*s.path != PoisonPath::kCorruptPfn && *s.path != PoisonPath::kHardOffline)
      throw InputError(w + ".path", std::string(to_string(*s.path)) + " is not a guest loop path",
                       "use corrupt_pfn or hard_offline");
  } else if (j.contains("path")) {
    throw InputError(w + ".path", "only a poison stressor has a path");
  }
  if (j.contains("reset")) {
    if (s.action != "grow_mapping") throw InputError(w + ".reset", "only a grow_mapping stressor resets");
    s.reset = bool_or(j, "reset", w, false);
  }
  return s;
}

// An errno name as glibc spells it (strerrorname_np), or SIGBUS: what a stressor counts.
bool errno_named(const std::string& name) {
  if (name == "SIGBUS") return true;
  for (int e = 1; e < 200; ++e)
    if (const char* n = ::strerrorname_np(e); n && name == n) return true;
  return false;
}

RaceSpec parse_race(const json& r, const std::string& w) {
  only_keys(r, w, {"driver", "ranges", "range_size", "align", "stressors", "duration_s", "runs", "expect",
                   "expected_errnos", "window", "kernel_args", "holder"});
  RaceSpec s;
  s.driver = driver_field(r, "driver", w);
  parse_range_block(r, w, s.ranges, s.range_size, s.align);
  s.stressors = list<RaceStressorSpec>(r, "stressors", w, parse_stressor, true);
  if (s.stressors.size() < 2) throw InputError(w + ".stressors", "a race needs two or more stressors");
  for (size_t i = 0; i < s.stressors.size(); ++i) {
    const auto& a = s.stressors[i].action;
    if (a == "fault" && s.driver != "device_dax")
      throw InputError(index_path(w, "stressors", i) + ".action", "fault maps the device: only device_dax has a mapping");
    if (a == "holder_churn" && s.driver != "fsdev_dax")
      throw InputError(index_path(w, "stressors", i) + ".action", "holder_churn holds an fsdev_dax device");
  }
  s.holder = bool_or(r, "holder", w, false);
  if (s.holder && s.driver != "fsdev_dax")
    throw InputError(w + ".holder", "the holder holds an fsdev_dax device; this race's driver is " + s.driver,
                     "drop \"holder\" or race an fsdev_dax device");
  if (r.contains("duration_s")) s.duration_s = positive(r["duration_s"], w + ".duration_s", 3600);
  if (r.contains("runs")) s.runs = positive(r["runs"], w + ".runs", 1000);
  s.expect = strings(r, "expect", w);
  if (s.expect.empty()) throw InputError(w + ".expect", "needs the splat titles that count as reproduction",
                                         "e.g. \"KASAN: slab-use-after-free Read in fsdev_pfn_to_offset\" (globs allowed)");
  s.expected_errnos = strings(r, "expected_errnos", w);
  for (size_t i = 0; i < s.expected_errnos.size(); ++i)
    if (!errno_named(s.expected_errnos[i]))
      throw InputError(index_path(w, "expected_errnos", i), "unknown errno name \"" + s.expected_errnos[i] + "\"",
                       "use a name such as EBUSY, EINVAL, ENXIO (or SIGBUS for a fault stressor)");
  s.window = strings(r, "window", w);  // the files are looked up when a kernel is built
  s.kernel_args = strings(r, "kernel_args", w);
  for (size_t i = 0; i < s.kernel_args.size(); ++i)
    if (s.kernel_args[i].empty() || s.kernel_args[i].find_first_of(" \t\n") != std::string::npos)
      throw InputError(index_path(w, "kernel_args", i), "must be one kernel argument, no spaces");
  return s;
}

}  // namespace

const std::vector<ScenarioKind>& all_scenario_kinds() {
  static const std::vector<ScenarioKind> all = [] {
    std::vector<ScenarioKind> v;
    for (auto& k : kinds()) v.push_back(k.kind);
    return v;
  }();
  return all;
}

const char* to_string(ScenarioKind k) {
  for (auto& x : kinds())
    if (x.kind == k) return x.name;
  return "?";
}

ScenarioKind scenario_kind_from(const std::string& s, const std::string& where) {
  std::string names;
  for (auto& x : kinds()) {
    if (s == x.name) return x.kind;
    names += (names.empty() ? "" : ", ") + std::string(x.name);
  }
  throw InputError(where, "unknown scenario kind \"" + s + "\"", "use one of: " + names);
}

Scenario parse_scenario(const json& j, const std::string& w) {
  if (!j.is_object()) throw InputError(w, "must be a JSON object");
  Scenario s;
  s.kind = scenario_kind_from(str(j, "kind", w), w + ".kind");
  const KindFields* kf = nullptr;
  for (auto& x : kinds())
    if (x.kind == s.kind) kf = &x;
  std::set<std::string> allowed = kCommonFields;
  allowed.insert(kf->fields.begin(), kf->fields.end());
  for (auto& [k, _] : j.items())
    if (!allowed.count(k)) {
      std::string owner;  // the kind that does have this field, if any
      for (auto& x : kinds())
        if (x.fields.count(k)) owner += (owner.empty() ? "" : " or ") + std::string(x.name);
      throw InputError(w + "." + k, owner.empty() ? "unknown field" : "is not a field of a " + std::string(kf->name) +
                                                                     " scenario (it belongs to " + owner + ")",
                       "use one of: " + join(allowed));
    }
  s.name = str(j, "name", w);
  s.description = str_or(j, "description", w, "");
  s.guards = strings(j, "guards", w);
  s.topology = str(j, "topology", w);
  s.timeout_s = j.contains("timeout_s") ? positive(j["timeout_s"], w + ".timeout_s") : 240;
  s.requires_ = strings(j, "requires", w);
  check_capability_keys(s.requires_, w + ".requires");
  if (j.contains("points")) s.points = parse_points(j, w);
  else s.points = {Point::kFirst, Point::kInterior, Point::kLast};

  switch (s.kind) {
    case ScenarioKind::kLayoutPoison:
    case ScenarioKind::kStaticDevice:
      s.layouts = j.contains("layouts") ? positive(j["layouts"], w + ".layouts") : 1;
      s.devices = list<ScenarioDevice>(j, "devices", w, [&](const json& d, const std::string& dw) {
        return parse_device(d, dw, s.kind);
      }, true);
      if (s.devices.empty()) throw InputError(w + ".devices", "needs at least one device");
      if (j.contains("outside")) {
        const auto& o = j["outside"];
        only_keys(o, w + ".outside", {"device", "path"});
        s.outside_device = static_cast<int>(uint_field(o, "device", w + ".outside", 0u));
        if (s.outside_device >= static_cast<int>(s.devices.size()))
          throw InputError(w + ".outside.device", "no such device index");
        s.outside_path = poison_path_from(str_or(o, "path", w + ".outside", "hard_offline"), w + ".outside.path");
        if (!path_applies(s.outside_path, s.devices[s.outside_device], false))
          throw InputError(w + ".outside.path", "a page outside every range has no mapping and no DPA",
                           "use corrupt_pfn, hard_offline, mce_ao or mce_ar");
      }
      break;
    case ScenarioKind::kDcd: {
      s.dcd = parse_dcd(need(j, "dcd", w), w + ".dcd");
      // The extent-shaped fallback lays the extents out on one device of the dcd's driver.
      ScenarioDevice d;
      d.driver = s.dcd->driver;
      d.requires_ = {"driver:" + s.dcd->driver};
      s.devices = {d};
      break;
    }
    case ScenarioKind::kRangeLimit:
      s.range_limit = parse_range_limit(need(j, "range_limit", w), w + ".range_limit");
      break;
    case ScenarioKind::kReconfig:
      s.reconfig = parse_reconfig(need(j, "reconfig", w), w + ".reconfig");
      break;
    case ScenarioKind::kRace:
      s.race = parse_race(need(j, "race", w), w + ".race");
      break;
  }
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  json j = read_json_file(path, "scenario file", "check --scenario (names live in guest-tests/scenarios/)");
  return parse_scenario(j, std::filesystem::path(path).filename().string());
}

std::string resolve_scenario_path(const std::string& n, const std::string& data_dir) {
  return name_or_path(n, data_dir + "/guest-tests/scenarios");
}

}  // namespace cxlrig
