#include "Scenario.h"

#include <filesystem>
#include <fstream>
#include <set>

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

Scenario parse_scenario(const json& j, const std::string& w) {
  only_keys(j, w, {"name", "description", "guards", "topology", "timeout_s", "layouts", "devices", "points", "outside",
                 "range_limit", "dcd"});
  Scenario s;
  if (!j.contains("name") || !j["name"].is_string()) throw InputError(w + ".name", "missing or not a string");
  s.name = j["name"].get<std::string>();
  s.description = j.value("description", "");
  s.guards = strings(j, "guards", w);
  s.topology = j.value("topology", "vmem-1");
  s.timeout_s = j.contains("timeout_s") ? positive(j["timeout_s"], w + ".timeout_s") : 240;
  s.layouts = j.contains("layouts") ? positive(j["layouts"], w + ".layouts") : 1;
  if (!j.contains("devices") || !j["devices"].is_array() || j["devices"].empty())
    throw InputError(w + ".devices", "needs a non-empty list of devices");
  for (size_t i = 0; i < j["devices"].size(); ++i) {
    const auto& d = j["devices"][i];
    auto dw = w + ".devices[" + std::to_string(i) + "]";
    only_keys(d, dw, {"driver", "ranges", "align", "order", "map", "paths", "requires"});
    ScenarioDevice sd;
    sd.driver = d.value("driver", "");
    if (sd.driver != "device_dax" && sd.driver != "fsdev_dax")
      throw InputError(dw + ".driver", "unknown driver \"" + sd.driver + "\"", "use device_dax or fsdev_dax");
    parse_ranges(d, dw + ".ranges", sd.shape);
    parse_aligns(d, dw + ".align", sd.shape);
    parse_orders(d, dw + ".order", sd.shape);
    sd.map = d.value("map", true);
    if (sd.map && sd.fsdev()) sd.map = false;  // fsdev_dax has no character device to map
    for (auto& p : strings(d, "paths", dw)) sd.paths.push_back(poison_path_from(p, dw + ".paths"));
    if (d.contains("paths") && sd.paths.empty()) throw InputError(dw + ".paths", "needs at least one poison path", "omit it for every path");
    for (auto p : sd.paths)
      if (!path_applies(p, sd, true))
        throw InputError(dw + ".paths", std::string(to_string(p)) + " needs a mapping: only a mapped device_dax device has one");
    sd.requires_ = strings(d, "requires", dw);
    check_capability_keys(sd.requires_, dw + ".requires");
    s.devices.push_back(sd);
  }
  for (auto& p : strings(j, "points", w)) {
    bool ok = false;
    for (Point q : {Point::kFirst, Point::kInterior, Point::kLast, Point::kBefore, Point::kAfter})
      if (p == to_string(q)) s.points.push_back(q), ok = true;
    if (!ok) throw InputError(w + ".points", "unknown point \"" + p + "\"", "use first, interior, last, before or after");
  }
  if (s.points.empty()) s.points = {Point::kFirst, Point::kInterior, Point::kLast};
  if (j.contains("outside")) {
    const auto& o = j["outside"];
    only_keys(o, w + ".outside", {"device", "path"});
    s.outside_device = o.value("device", 0);
    if (s.outside_device < 0 || s.outside_device >= static_cast<int>(s.devices.size()))
      throw InputError(w + ".outside.device", "no such device index");
    s.outside_path = poison_path_from(o.value("path", "hard_offline"), w + ".outside.path");
    if (!path_applies(s.outside_path, s.devices[s.outside_device], false))
      throw InputError(w + ".outside.path", "a page outside every range has no mapping and no DPA",
                       "use corrupt_pfn, hard_offline, mce_ao or mce_ar");
  }
  if (j.contains("range_limit")) {
    only_keys(j["range_limit"], w + ".range_limit", {"at_least"});
    s.range_limit_at_least = positive(j["range_limit"].value("at_least", json(1)), w + ".range_limit.at_least");
  }
  if (j.contains("dcd")) s.dcd = parse_dcd(j["dcd"], w + ".dcd");
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
