#include "Topology.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "InputError.h"
#include "JsonFile.h"
#include "SpecFields.h"

namespace cxlrig {
namespace {

using nlohmann::json;

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

}  // namespace

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

const RootPort* Topology::root_port(const std::string& id) const {
  for (auto& r : root_ports)
    if (r.id == id) return &r;
  return nullptr;
}

const SwitchSpec* Topology::switch_of(const std::string& bus) const {
  for (auto& sw : switches)
    for (auto& d : sw.downstream)
      if (d.id == bus) return &sw;
  return nullptr;
}

const RootPort* Topology::root_port_of(const Type3Device& d) const {
  if (auto* sw = switch_of(d.bus)) return root_port(sw->bus);
  return root_port(d.bus);
}

uint64_t Topology::partition_size(const Type3Device& d, const std::string& mode) const {
  const std::string& id = mode == "pmem" ? d.persistent_memdev : d.volatile_memdev;
  auto* b = id.empty() ? nullptr : backend(id);
  return b ? b->size : 0;
}

const Type3Device* Topology::first_dcd() const {
  for (auto& d : type3)
    if (d.is_dcd()) return &d;
  return nullptr;
}

Topology parse_topology(const json& j, const std::string& origin) {
  const std::string w = origin;
  only_keys(j, w, {"name", "description", "guards", "machine", "backends", "host_bridges",
                   "root_ports", "switches", "type3", "windows", "regions"});
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
    // A file backend without a path gets a fresh file in the run directory.
    if (b.contains("path")) mb.path = str(b, "path", bw);
    if (mb.type == "ram" && !mb.path.empty())
      throw InputError(bw + ".path", "a ram backend has no path", "drop \"path\" or use \"type\": \"file\"");
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

  t.switches = list<SwitchSpec>(j, "switches", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "bus", "downstream"});
    SwitchSpec sw{str(b, "id", bw), str(b, "bus", bw), {}};
    sw.downstream = list<SwitchSpec::Downstream>(b, "downstream", bw, [](const json& d, const std::string& dw) {
      only_keys(d, dw, {"id", "port", "chassis", "slot"});
      return SwitchSpec::Downstream{str(d, "id", dw), uint_field(d, "port", dw), uint_field(d, "chassis", dw, 0u),
                                    uint_field(d, "slot", dw)};
    }, true);
    if (sw.downstream.empty()) throw InputError(bw + ".downstream", "needs at least one downstream port");
    return sw;
  }, false);

  t.type3 = list<Type3Device>(j, "type3", w, [](const json& b, const std::string& bw) {
    only_keys(b, bw, {"id", "bus", "volatile_memdev", "persistent_memdev", "lsa", "dc_memdev",
                      "dc_regions", "serial"});
    auto opt = [&](const char* k) { return b.contains(k) ? str(b, k, bw) : std::string(); };
    Type3Device d{str(b, "id", bw), str(b, "bus", bw), opt("volatile_memdev"), opt("persistent_memdev"),
                  opt("lsa"), opt("dc_memdev"), uint_field(b, "dc_regions", bw, 0u),
                  serial_of(need(b, "serial", bw), bw + ".serial")};
    if (d.volatile_memdev.empty() && d.persistent_memdev.empty() && d.dc_memdev.empty())
      throw InputError(bw + ".volatile_memdev", "a type3 device needs memory",
                       "set volatile_memdev, persistent_memdev or dc_memdev to a backend id");
    if (!d.persistent_memdev.empty() && d.lsa.empty())
      throw InputError(bw + ".lsa", "a persistent device needs a label storage area",
                       "add \"lsa\": a backend id (1M is plenty); the kernel keeps namespace labels there");
    if (!d.dc_memdev.empty() && (d.dc_regions < 1 || d.dc_regions > 8))
      throw InputError(bw + ".dc_regions", "a DCD needs 1 to 8 dynamic capacity regions",
                       "set \"dc_regions\" (QEMU's num-dc-regions)");
    if (d.dc_memdev.empty() && b.contains("dc_regions"))
      throw InputError(bw + ".dc_memdev", "dc_regions without dc_memdev", "name the backend that holds dynamic capacity");
    return d;
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
    only_keys(b, bw, {"memdevs", "mode", "granularity", "window"});
    RegionSpec r;
    r.memdev_serials = list<uint64_t>(b, "memdevs", bw, [](const json& x, const std::string& xw) {
      return serial_of(x, xw);
    }, true);
    if (r.memdev_serials.empty()) throw InputError(bw + ".memdevs", "needs at least one memdev serial");
    if (b.contains("mode")) r.mode = b.at("mode").get<std::string>();
    if (r.mode != "ram" && r.mode != "pmem")
      throw InputError(bw + ".mode", "unsupported region mode \"" + r.mode + "\"", "use \"ram\" or \"pmem\"");
    if (b.contains("granularity")) r.granularity = parse_size(b.at("granularity"), bw + ".granularity");
    if (r.granularity < 256 || r.granularity > 16384 || (r.granularity & (r.granularity - 1)))
      throw InputError(bw + ".granularity", "must be a power of two from 256 to 16K (CXL HDM encoding)");
    r.window = uint_field(b, "window", bw, 0u);
    return r;
  }, true);

  // Cross references: every name used must be defined, every id unique.
  std::set<std::string> ids;
  auto unique = [&](const std::string& id, const std::string& where) {
    if (!ids.insert(id).second) throw InputError(where, "duplicate id \"" + id + "\"", "give every device its own id");
  };
  std::set<std::string> bridges, ports, device_buses;
  auto idx = [](const char* list, size_t i) { return std::string(".") + list + "[" + std::to_string(i) + "]"; };
  if (t.host_bridges.size() > kMaxHostBridges)
    throw InputError(w + ".host_bridges", std::to_string(t.host_bridges.size()) + " host bridges, at most " +
                     std::to_string(kMaxHostBridges) + " fit", "each takes a fixed slot on pcie.0 (see QemuCommand.h)");
  for (size_t i = 0; i < t.host_bridges.size(); ++i) {
    unique(t.host_bridges[i].id, w + idx("host_bridges", i) + ".id");
    bridges.insert(t.host_bridges[i].id);
  }
  for (size_t i = 0; i < t.root_ports.size(); ++i) {
    auto pw = w + idx("root_ports", i);
    unique(t.root_ports[i].id, pw + ".id");
    if (!bridges.count(t.root_ports[i].bus))
      throw InputError(pw + ".bus", "no host bridge \"" + t.root_ports[i].bus + "\"", "use one of: " + join(bridges));
    ports.insert(t.root_ports[i].id);
  }
  device_buses = ports;
  // A port has one link: a switch or a device, never both, never two.
  std::set<std::string> taken;
  for (size_t i = 0; i < t.switches.size(); ++i) {
    auto sw = w + idx("switches", i);
    unique(t.switches[i].id, sw + ".id");
    if (!ports.count(t.switches[i].bus))
      throw InputError(sw + ".bus", "no root port \"" + t.switches[i].bus + "\"", "a switch sits under a root port: use one of: " + join(ports));
    if (!taken.insert(t.switches[i].bus).second)
      throw InputError(sw + ".bus", "root port \"" + t.switches[i].bus + "\" already has a link", "give each switch its own root port");
    for (size_t k = 0; k < t.switches[i].downstream.size(); ++k) {
      unique(t.switches[i].downstream[k].id, sw + idx("downstream", k) + ".id");
      device_buses.insert(t.switches[i].downstream[k].id);
    }
  }
  std::set<uint64_t> serials;
  std::set<std::string> used_backends;
  for (size_t i = 0; i < t.type3.size(); ++i) {
    auto dw = w + idx("type3", i);
    const auto& d = t.type3[i];
    unique(d.id, dw + ".id");
    if (!device_buses.count(d.bus))
      throw InputError(dw + ".bus", "no root port or switch downstream port \"" + d.bus + "\"", "use one of: " + join(device_buses));
    if (!taken.insert(d.bus).second)
      throw InputError(dw + ".bus", "port \"" + d.bus + "\" already has a link", "give each device its own port");
    for (auto [field, id] : {std::pair{"volatile_memdev", &d.volatile_memdev}, {"persistent_memdev", &d.persistent_memdev},
                             {"lsa", &d.lsa}, {"dc_memdev", &d.dc_memdev}}) {
      if (id->empty()) continue;
      if (!t.backend(*id)) throw InputError(dw + "." + field, "no backend \"" + *id + "\"");
      if (!used_backends.insert(*id).second) throw InputError(dw + "." + field, "backend \"" + *id + "\" is used twice");
    }
    if (!serials.insert(d.serial).second)
      throw InputError(dw + ".serial", "duplicate serial " + std::to_string(d.serial), "serials pick memdevs in the guest: make them unique");
  }
  for (size_t i = 0; i < t.windows.size(); ++i)
    for (size_t k = 0; k < t.windows[i].targets.size(); ++k)
      if (!bridges.count(t.windows[i].targets[k]))
        throw InputError(w + idx("windows", i) + idx("targets", k), "no host bridge \"" + t.windows[i].targets[k] + "\"",
                         "use one of: " + join(bridges));
  for (size_t i = 0; i < t.regions.size(); ++i) {
    const auto& r = t.regions[i];
    auto rw = w + idx("regions", i);
    if (r.window >= t.windows.size())
      throw InputError(rw + ".window", "no window " + std::to_string(r.window), "windows are numbered from 0 in \"windows\"");
    std::set<uint64_t> seen;
    for (size_t k = 0; k < r.memdev_serials.size(); ++k) {
      const auto* d = t.device_by_serial(r.memdev_serials[k]);
      auto mw = rw + idx("memdevs", k);
      if (!d) throw InputError(mw, "no type3 device with serial " + std::to_string(r.memdev_serials[k]));
      if (!seen.insert(d->serial).second) throw InputError(mw, "serial " + std::to_string(d->serial) + " is listed twice");
      if (t.partition_size(*d, r.mode) == 0)
        throw InputError(mw, "device \"" + d->id + "\" has no " + (r.mode == "pmem" ? "persistent" : "volatile") + " memory",
                         "set its " + std::string(r.mode == "pmem" ? "persistent_memdev" : "volatile_memdev") + " or change the region mode");
      const auto& targets = t.windows[r.window].targets;
      const auto* rp = t.root_port_of(*d);
      if (std::find(targets.begin(), targets.end(), rp->bus) == targets.end())
        throw InputError(mw, "device \"" + d->id + "\" is under host bridge \"" + rp->bus + "\", which window " +
                             std::to_string(r.window) + " does not target", "add it to the window's targets or pick another window");
    }
    const auto ways = r.memdev_serials.size();
    if (ways != 1 && ways != 2 && ways != 3 && ways != 4 && ways != 6 && ways != 8 && ways != 12 && ways != 16)
      throw InputError(rw + ".memdevs", std::to_string(ways) + " devices is not a CXL interleave", "use 1, 2, 3, 4, 6, 8, 12 or 16 devices");
    if (ways % t.windows[r.window].targets.size())
      throw InputError(rw + ".memdevs", "window " + std::to_string(r.window) + " interleaves " +
                           std::to_string(t.windows[r.window].targets.size()) + " host bridges; the device count must be a multiple of that");
  }
  if (t.regions.empty()) throw InputError(w + ".regions", "needs at least one region");
  return t;
}

Topology load_topology_file(const std::string& path) {
  json j = read_json_file(path, "topology file", "check the path or use `cxlrig topo list`");
  return parse_topology(j, std::filesystem::path(path).filename().string());
}

std::string resolve_topology_path(const std::string& n, const std::string& data_dir) {
  return name_or_path(n, data_dir + "/qemu-configs");
}

}  // namespace cxlrig
