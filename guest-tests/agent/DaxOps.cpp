// Multi-range dax devices through sysfs `mapping` (mapping_store), and binding them.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {

const std::string kDax = "/sys/bus/dax/devices/";

std::string driver_of(const std::string& dev) { return link_target_name(kDax + dev + "/driver"); }

void unbind(const std::string& dev) {
  std::string drv = driver_of(dev);
  if (!drv.empty()) write_attr("/sys/bus/dax/drivers/" + drv + "/unbind", dev);
}

struct Mapping {
  void* base;
  size_t size;
};
std::map<std::string, Mapping> g_maps;

void unmap(const std::string& dev) {
  auto it = g_maps.find(dev);
  if (it == g_maps.end()) return;
  ::munmap(it->second.base, it->second.size);
  g_maps.erase(it);
}

// Unbind and give every range back to the region. The device's struct pages go with the
// pgmap, so the next bind starts from pages with no HWPoison flag: this is how one boot
// runs many layouts even where unpoison-pfn is refused (after a real MCE).
void release(const std::string& dev) {
  unmap(dev);
  unbind(dev);
  const std::string p = kDax + dev;
  // A static device (pmem namespace) has no `mapping`: its one range is fixed.
  if (exists(p + "/mapping") && read_u64(p + "/size") != 0) write_attr(p + "/size", "0");
}

}  // namespace

json op_dax_teardown(const json& args) {
  for (auto& d : args.at("devices")) release(d.get<std::string>());
  return json::object();
}

// How many ranges will mapping_store() take on one device? Writes `granule`-sized ranges
// back to back from `start` until the kernel refuses one or `end` is reached, then binds
// the device (the pgmap gets one range per mapping) and gives everything back.
json op_dax_range_limit(const json& args) {
  const std::string dev = args.at("device").get<std::string>();
  const std::string p = kDax + dev;
  const uint64_t granule = args.at("granule").get<uint64_t>();
  uint64_t at = args.at("start").get<uint64_t>();
  const uint64_t end = args.at("end").get<uint64_t>();
  const size_t max = args.value("max", size_t{1} << 20);
  release(dev);
  if (args.contains("align")) write_attr(p + "/align", std::to_string(args["align"].get<uint64_t>()));
  size_t n = 0;
  int err = 0;
  std::string stop = "end of region";
  for (; at + granule - 1 <= end && n < max; at += granule) {
    try {
      write_attr(p + "/mapping", hex(at) + "-" + hex(at + granule - 1));
      ++n;
    } catch (const StepError& e) {
      err = e.err;
      stop = "mapping write refused";
      break;
    }
  }
  if (n == max) stop = "asked maximum";
  size_t listed = 0;
  while (exists(p + "/mapping" + std::to_string(listed))) ++listed;
  int bind_err = 0;
  std::string drv = args.value("driver", "device_dax");
  try {
    write_attr("/sys/bus/dax/drivers/" + drv + "/new_id", dev);
    if (driver_of(dev) != drv) bind_err = ENODEV;
  } catch (const StepError& e) {
    bind_err = e.err;
  }
  release(dev);
  return {{"accepted", n}, {"listed", listed}, {"errno", err}, {"stopped_by", stop}, {"bind_errno", bind_err}};
}

json op_dax_create(const json& args) {
  const std::string region = args.at("dax_region").get<std::string>();
  auto before = list_dir(region);
  write_attr(region + "/dax_region/create", "1");
  for (auto& d : list_dir(region))
    if (d.rfind("dax", 0) == 0 && d.find('.') != std::string::npos &&
        std::find(before.begin(), before.end(), d) == before.end())
      return {{"device", d}};
  throw StepError("dax_region/create made no new device", ENODEV, region + "/dax_region/create", "1");
}

json op_dax_layout(const json& args) {
  const std::string dev = args.at("device").get<std::string>();
  const std::string p = kDax + dev;
  release(dev);
  // No ranges: read back a static device as the kernel laid it out.
  if (args.contains("align") && !args.at("ranges").empty())
    write_attr(p + "/align", std::to_string(args["align"].get<uint64_t>()));
  // Ranges are appended in write order: that order defines page_offset.
  for (auto& r : args.at("ranges")) {
    std::string v = hex(r.at("start").get<uint64_t>()) + "-" + hex(r.at("end").get<uint64_t>());
    write_attr(p + "/mapping", v);
  }
  json ranges = json::array();
  for (int i = 0; exists(p + "/mapping" + std::to_string(i)); ++i) {
    std::string m = p + "/mapping" + std::to_string(i);
    ranges.push_back({{"start", read_u64(m + "/start")}, {"end", read_u64(m + "/end")},
                      {"page_offset", read_u64(m + "/page_offset")}});
  }
  return {{"device", dev}, {"size", read_u64(p + "/size")}, {"align", read_u64(p + "/align")}, {"ranges", ranges}};
}

json op_dax_bind(const json& args) {
  const std::string dev = args.at("device").get<std::string>();
  const std::string drv = args.at("driver").get<std::string>();
  const std::string drvdir = "/sys/bus/dax/drivers/" + drv;
  if (!exists(drvdir)) throw StepError("kernel has no dax driver " + drv, ENOENT, drvdir);
  if (driver_of(dev) == drv) return {{"device", dev}, {"driver", drv}};
  unbind(dev);
  // new_id on the dax bus takes a device name and probes it.
  write_attr(drvdir + "/new_id", dev);
  if (driver_of(dev) != drv) write_attr(drvdir + "/bind", dev);
  std::string now = driver_of(dev);
  if (now != drv) throw StepError("device did not bind (bound to \"" + now + "\")", EINVAL, drvdir + "/new_id", dev);
  return {{"device", dev}, {"driver", drv}};
}

json op_dax_mmap(const json& args) {
  const std::string dev = args.at("device").get<std::string>();
  const size_t size = args.at("size").get<uint64_t>();
  const std::string path = "/dev/" + dev;
  if (!wait_for([&] { return exists(path); }, 5000)) throw StepError("no character device", ENOENT, path);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw StepError("open failed", errno, path);
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int e = errno;
  ::close(fd);
  if (base == MAP_FAILED) throw StepError("mmap failed", e, path, std::to_string(size));
  // The early-kill policy is set per injection (observe_begin), not here.
  // Fault in the pages that will be poisoned so memory_failure finds this mapper.
  for (auto& off : args.value("touch", json::array())) {
    uint64_t o = off.get<uint64_t>();
    if (o >= size) throw StepError("touch offset beyond the mapping", EINVAL, path, hex(o));
    *static_cast<volatile char*>(static_cast<char*>(base) + o) = 0x5a;
  }
  unmap(dev);
  g_maps[dev] = {base, size};
  return {{"device", dev}, {"base", reinterpret_cast<uint64_t>(base)}, {"size", size}};
}

// Used by PoisonOps for madvise(MADV_HWPOISON).
void* mapping_address(const std::string& dev, uint64_t offset) {
  auto it = g_maps.find(dev);
  if (it == g_maps.end()) throw StepError("device is not mapped: " + dev, EINVAL);
  if (offset >= it->second.size) throw StepError("offset beyond the mapping", EINVAL, dev, hex(offset));
  return static_cast<char*>(it->second.base) + offset;
}

}  // namespace agent
