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

proto::Empty op_dax_teardown(const proto::DaxTeardown::Request& req) {
  for (auto& d : req.devices) release(d);
  return {};
}

// How many ranges will mapping_store() take on one device? Writes `granule`-sized ranges
// back to back from `start` until the kernel refuses one or `end` is reached, then binds
// the device (the pgmap gets one range per mapping) and gives everything back.
proto::DaxRangeLimit::Reply op_dax_range_limit(const proto::DaxRangeLimit::Request& req) {
  const std::string p = kDax + req.device;
  uint64_t at = req.start;
  release(req.device);
  if (req.align) write_attr(p + "/align", std::to_string(*req.align));
  proto::DaxRangeLimit::Reply out;
  out.stopped_by = "end of region";
  for (; at + req.granule - 1 <= req.end && out.accepted < req.max; at += req.granule) {
    try {
      write_attr(p + "/mapping", hex(at) + "-" + hex(at + req.granule - 1));
      ++out.accepted;
    } catch (const StepError& e) {
      out.err = e.err;
      out.stopped_by = "mapping write refused";
      break;
    }
  }
  if (out.accepted == req.max) out.stopped_by = "asked maximum";
  while (exists(p + "/mapping" + std::to_string(out.listed))) ++out.listed;
  try {
    write_attr("/sys/bus/dax/drivers/" + req.driver + "/new_id", req.device);
    if (driver_of(req.device) != req.driver) out.bind_err = ENODEV;
  } catch (const StepError& e) {
    out.bind_err = e.err;
  }
  release(req.device);
  return out;
}

proto::DaxCreate::Reply op_dax_create(const proto::DaxCreate::Request& req) {
  auto before = list_dir(req.dax_region);
  write_attr(req.dax_region + "/dax_region/create", "1");
  for (auto& d : list_dir(req.dax_region))
    if (d.rfind("dax", 0) == 0 && d.find('.') != std::string::npos &&
        std::find(before.begin(), before.end(), d) == before.end())
      return {d};
  throw StepError("dax_region/create made no new device", ENODEV, req.dax_region + "/dax_region/create", "1");
}

std::vector<proto::MappingReadback> read_mappings(const std::string& dev) {
  const std::string p = kDax + dev;
  std::vector<proto::MappingReadback> out;
  for (int i = 0; exists(p + "/mapping" + std::to_string(i)); ++i) {
    std::string m = p + "/mapping" + std::to_string(i);
    out.push_back({read_u64(m + "/start"), read_u64(m + "/end"), read_u64(m + "/page_offset")});
  }
  return out;
}

proto::DaxLayout::Reply op_dax_layout(const proto::DaxLayout::Request& req) {
  const std::string p = kDax + req.device;
  release(req.device);
  // No ranges: read back a static device as the kernel laid it out.
  if (req.align && !req.ranges.empty()) write_attr(p + "/align", std::to_string(*req.align));
  // Ranges are appended in write order: that order defines page_offset.
  for (auto& r : req.ranges) write_attr(p + "/mapping", hex(r.start) + "-" + hex(r.end));
  return {req.device, read_u64(p + "/size"), read_u64(p + "/align"), read_mappings(req.device)};
}

proto::DaxWrite::Reply op_dax_write(const proto::DaxWrite::Request& req) {
  if (req.attr != "mapping" && req.attr != "size") throw StepError("dax_write writes mapping or size only", EINVAL);
  const std::string p = kDax + req.device;
  proto::DaxWrite::Reply out;
  out.err = write_attr_errno(p + "/" + req.attr, req.value);
  out.size = read_u64(p + "/size");
  out.driver = driver_of(req.device);
  out.ranges = read_mappings(req.device);
  return out;
}

proto::DaxBind::Reply op_dax_bind(const proto::DaxBind::Request& req) {
  const std::string& dev = req.device;
  const std::string& drv = req.driver;
  const std::string drvdir = "/sys/bus/dax/drivers/" + drv;
  if (!exists(drvdir)) throw StepError("kernel has no dax driver " + drv, ENOENT, drvdir);
  if (driver_of(dev) == drv) return req;
  unbind(dev);
  // new_id on the dax bus takes a device name and probes it.
  write_attr(drvdir + "/new_id", dev);
  if (driver_of(dev) != drv) write_attr(drvdir + "/bind", dev);
  std::string now = driver_of(dev);
  if (now != drv) throw StepError("device did not bind (bound to \"" + now + "\")", EINVAL, drvdir + "/new_id", dev);
  return req;
}

proto::DaxMmap::Reply op_dax_mmap(const proto::DaxMmap::Request& req) {
  const std::string path = "/dev/" + req.device;
  if (!wait_for([&] { return exists(path); }, 5000)) throw StepError("no character device", ENOENT, path);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw StepError("open failed", errno, path);
  void* base = ::mmap(nullptr, req.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int e = errno;
  ::close(fd);
  if (base == MAP_FAILED) throw StepError("mmap failed", e, path, std::to_string(req.size));
  // The early-kill policy is set per injection (observe_begin), not here.
  // Fault in the pages that will be poisoned so memory_failure finds this mapper.
  for (uint64_t o : req.touch) {
    if (o >= req.size) throw StepError("touch offset beyond the mapping", EINVAL, path, hex(o));
    *static_cast<volatile char*>(static_cast<char*>(base) + o) = 0x5a;
  }
  unmap(req.device);
  g_maps[req.device] = {base, req.size};
  return {req.device, reinterpret_cast<uint64_t>(base), req.size};
}

// Used by PoisonOps for madvise(MADV_HWPOISON).
void* mapping_address(const std::string& dev, uint64_t offset) {
  auto it = g_maps.find(dev);
  if (it == g_maps.end()) throw StepError("device is not mapped: " + dev, EINVAL);
  if (offset >= it->second.size) throw StepError("offset beyond the mapping", EINVAL, dev, hex(offset));
  return static_cast<char*>(it->second.base) + offset;
}

}  // namespace agent
