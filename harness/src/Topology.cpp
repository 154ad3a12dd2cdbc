#include "Topology.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "InputError.h"
#include "JsonFile.h"

namespace cxlrig {
namespace {

using nlohmann::json;

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// Every object is checked for unknown keys: a typo must not silently fall back to a default.
void only_keys(const json& o, const std::string& where, const std::set<std::string>& allowed) {
  if (!o.is_object()) throw InputError(where, "must be a JSON object");
  for (auto& [k, _] : o.items())
    if (!allowed.count(k))
      throw InputError(where + "." + k, "unknown field", "use one of: " + join(allowed));
}

const json& need(const json& o, const std::string& key, const std::string& where) {
  if (!o.contains(key)) throw InputError(where + "." + key, "missing required field");
  return o.at(key);
}

std::string str(const json& o, const std::string& key, const std::string& where) {
  const json& v = need(o, key, where);
  if (!v.is_string() || v.get<std::string>().empty())
    throw InputError(where + "." + key, "must be a non-empty string");
  return v.get<std::string>();
}

unsigned uint_field(const json& o, const std::string& key, const std::string& where,
                    std::optional<unsigned> dflt = std::nullopt) {
  if (!o.contains(key)) {
    if (dflt) return *dflt;
    throw InputError(where + "." + key, "missing required field");
  }
  const json& v = o.at(key);
  if (!v.is_number_unsigned())
    throw InputError(where + "." + key, "must be a non-negative integer, got " + v.dump());
  return v.get<unsigned>();
}

uint64_t serial_of(const json& v, const std::string& where) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    try {
      size_t used = 0;
      uint64_t s = std::stoull(v.get<std::string>(), &used, 0);
      if (used == v.get<std::string>().size()) return s;
    } catch (...) {
    }
  }
  throw InputError(where, "must be an integer or a \"0x..\" string, got " + v.dump());
}

template <class T, class F>
std::vector<T> list(const json& j, const std::string& key, const std::string& where, F each,
                    bool required) {
  std::vector<T> out;
  if (!j.contains(key)) {
    if (required) throw InputError(where + "." + key, "missing required list");
    return out;
  }
  const json& a = j.at(key);
  if (!a.is_array()) throw InputError(where + "." + key, "must be a list");
  for (size_t i = 0; i < a.size(); ++i)
    out.push_back(each(a[i], where + "." + key + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace

uint64_t parse_size(const json& v, const std::string& field) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    try {
      size_t used = 0;
      uint64_t n = std::stoull(s, &used, 0);
      std::string suffix = s.substr(used);
      uint64_t mult = 1;
      if (suffix == "" || suffix == "B") mult = 1;
      else if (suffix == "K" || suffix == "KiB") mult = 1ull << 10;
      else if (suffix == "M" || suffix == "MiB") mult = 1ull << 20;
      else if (suffix == "G" || suffix == "GiB") mult = 1ull << 30;
      else if (suffix == "T" || suffix == "TiB") mult = 1ull << 40;
      else throw InputError(field, "unknown size suffix \"" + suffix + "\"", "use K, M, G or T");
      return n * mult;
    } catch (const InputError&) {
      throw;
    } catch (...) {
    }
  }
  throw InputError(field, "not a size: " + v.dump(), "write e.g. \"512M\", \"4G\" or a byte count");
}

const MemoryBackend* Topology::backend(const std::string& id) const {
  for (auto& b : backends)
    if (b.id == id) return &b;
  return nullptr;
}

const Type3Device* Topology::device_by_serial(uint64_t serial) const {
  for (auto& d : type3)
    if (d.serial == serial) return &d;
  return nullptr;
}

uint64_t Topology::region_capacity(const RegionSpec& r) const {
  uint64_t total = 0;
  for (auto s : r.memdev_serials)
    if (auto* d = device_by_serial(s))
      if (auto* b = backend(d->volatile_memdev)) total += b->size;
  return total;
}

Topology parse_topology(const json& j, const std::string& origin) {
  const std::string w = origin;
  only_keys(j, w, {"name", "description", "guards", "machine", "backends", "host_bridges",
                   "root_ports", "type3", "windows", "regions"});
  Topology t;
  t.name = str(j, "name", w);
  if (j.contains("description")) t.description = j.at("description").get<std::string>();

  if (j.contains("machine")) {
    const json& m = j.at("machine");
    only_keys(m, w + ".machine", {"memory", "maxmem", "slots", "cpus"});
    if (m.contains("memory")) t.machine.memory = parse_size(m.at("memory"), w + ".machine.memory");
    if (m.contains("maxmem")) t.machine.maxmem = parse_size(m.at("maxmem"), w + ".machine.maxmem");
    t.machine.slots = uint_field(m, "slots", w + ".machine", 4u);
    t.machine.cpus = uint_field(m, "cpus", w + ".machine", 2u);
    if (t.machine.cpus == 0) throw InputError(w + ".machine.cpus", "must be at least 1");
  }

  t.backends = list<MemoryBackend>(j, "backends", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "type", "size", "path"});
    MemoryBackend mb{str(b, "id", bw), str(b, "type", bw), parse_size(need(b, "size", bw), bw + ".size")};
    if (mb.type != "ram" && mb.type != "file")
      throw InputError(bw + ".type", "unknown backend type \"" + mb.type + "\"", "use \"ram\" or \"file\"");
    if (mb.type == "file") mb.path = str(b, "path", bw);
    if (mb.size == 0 || mb.size % (2ull << 20))
      throw InputError(bw + ".size", "must be a non-zero multiple of 2 MiB");
    return mb;
  }, true);

  t.host_bridges = list<HostBridge>(j, "host_bridges", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "bus_nr"});
    return HostBridge{str(b, "id", bw), uint_field(b, "bus_nr", bw)};
  }, true);

  t.root_ports = list<RootPort>(j, "root_ports", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "bus", "port", "chassis", "slot"});
    return RootPort{str(b, "id", bw), str(b, "bus", bw), uint_field(b, "port", bw),
                    uint_field(b, "chassis", bw, 0u), uint_field(b, "slot", bw)};
  }, true);

  t.type3 = list<Type3Device>(j, "type3", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "bus", "volatile_memdev", "serial"});
    return Type3Device{str(b, "id", bw), str(b, "bus", bw), str(b, "volatile_memdev", bw),
                       serial_of(need(b, "serial", bw), bw + ".serial")};
  }, true);

  t.windows = list<FixedWindow>(j, "windows", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"targets", "size", "granularity"});
    FixedWindow f;
    f.targets = list<std::string>(b, "targets", bw, [](const json& x, const std::string& xw) {
      if (!x.is_string()) throw InputError(xw, "must be a host bridge id (string)");
      return x.get<std::string>();
    }, true);
    if (f.targets.empty()) throw InputError(bw + ".targets", "needs at least one host bridge");
    f.size = parse_size(need(b, "size", bw), bw + ".size");
    if (f.size % (256ull << 20))
      throw InputError(bw + ".size", "must be a multiple of 256 MiB (QEMU's CFMWS granule)");
    if (b.contains("granularity")) f.granularity = parse_size(b.at("granularity"), bw + ".granularity");
    return f;
  }, true);

  t.regions = list<RegionSpec>(j, "regions", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"memdevs", "mode", "granularity"});
    RegionSpec r;
    r.memdev_serials = list<uint64_t>(b, "memdevs", bw, [](const json& x, const std::string& xw) {
      return serial_of(x, xw);
    }, true);
    if (r.memdev_serials.empty()) throw InputError(bw + ".memdevs", "needs at least one memdev serial");
    if (b.contains("mode")) r.mode = b.at("mode").get<std::string>();
    if (r.mode != "ram") throw InputError(bw + ".mode", "unsupported region mode \"" + r.mode + "\"", "use \"ram\"");
    if (b.contains("granularity")) r.granularity = parse_size(b.at("granularity"), bw + ".granularity");
    return r;
  }, true);

  // Cross references: every name used must be defined, every id unique.
  std::set<std::string> ids;
  auto unique = [&](const std::string& id, const std::string& where) {
    if (!ids.insert(id).second) throw InputError(where, "duplicate id \"" + id + "\"", "give every device its own id");
  };
  std::set<std::string> bridges, ports;
  for (size_t i = 0; i < t.host_bridges.size(); ++i) {
    unique(t.host_bridges[i].id, w + ".host_bridges[" + std::to_string(i) + "].id");
    bridges.insert(t.host_bridges[i].id);
  }
  for (size_t i = 0; i < t.root_ports.size(); ++i) {
    auto pw = w + ".root_ports[" + std::to_string(i) + "]";
    unique(t.root_ports[i].id, pw + ".id");
    if (!bridges.count(t.root_ports[i].bus))
      throw InputError(pw + ".bus", "no host bridge \"" + t.root_ports[i].bus + "\"", "use one of: " + join(bridges));
    ports.insert(t.root_ports[i].id);
  }
  std::set<uint64_t> serials;
  std::set<std::string> used_backends;
  for (size_t i = 0; i < t.type3.size(); ++i) {
    auto dw = w + ".type3[" + std::to_string(i) + "]";
    const auto& d = t.type3[i];
    unique(d.id, dw + ".id");
    if (!ports.count(d.bus)) throw InputError(dw + ".bus", "no root port \"" + d.bus + "\"", "use one of: " + join(ports));
    if (!t.backend(d.volatile_memdev))
      throw InputError(dw + ".volatile_memdev", "no backend \"" + d.volatile_memdev + "\"");
    if (!used_backends.insert(d.volatile_memdev).second)
      throw InputError(dw + ".volatile_memdev", "backend \"" + d.volatile_memdev + "\" is used twice");
    if (!serials.insert(d.serial).second)
      throw InputError(dw + ".serial", "duplicate serial " + std::to_string(d.serial), "serials pick memdevs in the guest: make them unique");
  }
  for (size_t i = 0; i < t.windows.size(); ++i)
    for (size_t k = 0; k < t.windows[i].targets.size(); ++k)
      if (!bridges.count(t.windows[i].targets[k]))
        throw InputError(w + ".windows[" + std::to_string(i) + "].targets[" + std::to_string(k) + "]",
                         "no host bridge \"" + t.windows[i].targets[k] + "\"", "use one of: " + join(bridges));
  for (size_t i = 0; i < t.regions.size(); ++i)
    for (size_t k = 0; k < t.regions[i].memdev_serials.size(); ++k)
      if (!t.device_by_serial(t.regions[i].memdev_serials[k]))
        throw InputError(w + ".regions[" + std::to_string(i) + "].memdevs[" + std::to_string(k) + "]",
                         "no type3 device with serial " + std::to_string(t.regions[i].memdev_serials[k]));
  if (t.regions.empty()) throw InputError(w + ".regions", "needs at least one region");
  return t;
}

Topology load_topology_file(const std::string& path) {
  json j = read_json_file(path, "topology file", "check the path or use `cxlrig topo list`");
  return parse_topology(j, std::filesystem::path(path).filename().string());
}

std::string resolve_topology_path(const std::string& name_or_path, const std::string& data_dir) {
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json")) return name_or_path;
  return data_dir + "/qemu-configs/" + name_or_path + ".json";
}

}  // namespace cxlrig
