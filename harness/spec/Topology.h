// A CXL topology as the user writes it (qemu-configs/*.json), validated so that every
// error names the field and the fix.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

// Host bridges sit at fixed slots 0x10.. on pcie.0 (QemuCommand); 0x1f is the ICH9 chipset.
inline constexpr size_t kMaxHostBridges = 0x1f - 0x10;

struct MachineSpec {
  uint64_t memory = 1ull << 30;
  uint64_t maxmem = 8ull << 30;
  unsigned slots = 4;
  unsigned cpus = 2;
};

struct MemoryBackend {
  std::string id;
  std::string type;  // "ram" or "file"
  uint64_t size = 0;
  std::string path;  // file backends only
};

struct HostBridge {
  std::string id;
  unsigned bus_nr = 0;
};

struct RootPort {
  std::string id;
  std::string bus;  // a host bridge
  unsigned port = 0;
  unsigned chassis = 0;
  unsigned slot = 0;
};

// A CXL switch: an upstream port under a root port, fanning out to downstream ports
// that type-3 devices sit on.
struct SwitchSpec {
  struct Downstream {
    std::string id;
    unsigned port = 0;
    unsigned chassis = 0;
    unsigned slot = 0;
  };
  std::string id;   // the upstream port
  std::string bus;  // a root port
  std::vector<Downstream> downstream;
};

// A type-3 memory device: any mix of a volatile partition, a persistent one (with its
// label storage area) and a dynamic capacity partition split into dc_regions regions.
struct Type3Device {
  std::string id;
  std::string bus;  // a root port or a switch downstream port
  std::string volatile_memdev;
  std::string persistent_memdev;
  std::string lsa;
  std::string dc_memdev;
  unsigned dc_regions = 0;
  uint64_t serial = 0;

  bool is_dcd() const { return !dc_memdev.empty(); }
};

struct FixedWindow {
  std::vector<std::string> targets;  // host bridge ids
  uint64_t size = 0;
  std::optional<uint64_t> granularity;
};

struct RegionSpec {
  std::vector<uint64_t> memdev_serials;  // the interleave set; positions come from RegionPlan
  std::string mode = "ram";              // "ram" or "pmem"
  uint64_t granularity = 256;
  size_t window = 0;                     // index into windows
};

struct Topology {
  std::string name;
  std::string description;
  MachineSpec machine;
  std::vector<MemoryBackend> backends;
  std::vector<HostBridge> host_bridges;
  std::vector<RootPort> root_ports;
  std::vector<SwitchSpec> switches;
  std::vector<Type3Device> type3;
  std::vector<FixedWindow> windows;
  std::vector<RegionSpec> regions;

  const MemoryBackend* backend(const std::string& id) const;
  const Type3Device* device_by_serial(uint64_t serial) const;
  const RootPort* root_port(const std::string& id) const;
  // The root port a device hangs under, directly or through a switch.
  const RootPort* root_port_of(const Type3Device& d) const;
  // The switch whose downstream port `bus` is, if any.
  const SwitchSpec* switch_of(const std::string& bus) const;
  // Bytes of the partition a region of `mode` uses on one device.
  uint64_t partition_size(const Type3Device& d, const std::string& mode) const;
  const Type3Device* first_dcd() const;
};

// Parses and validates; `origin` (a file name) prefixes every error.
Topology parse_topology(const nlohmann::json& j, const std::string& origin);
Topology load_topology_file(const std::string& path);
// A name from qemu-configs/ or a path to a file.
std::string resolve_topology_path(const std::string& name_or_path, const std::string& data_dir);

}  // namespace cxlrig
