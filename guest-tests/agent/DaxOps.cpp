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

}  // namespace

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
  unbind(dev);
  if (read_u64(p + "/size") != 0) write_attr(p + "/size", "0");
  if (args.contains("align")) write_attr(p + "/align", std::to_string(args["align"].get<uint64_t>()));
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
  // Early kill: action-optional poison (corrupt-pfn, hard_offline_page) signals only
  // processes that opted in.
  if (::prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) != 0)
    throw StepError("prctl(PR_MCE_KILL_EARLY) failed", errno);
  // Fault in the pages that will be poisoned so memory_failure finds this mapper.
  for (auto& off : args.value("touch", json::array())) {
    uint64_t o = off.get<uint64_t>();
    if (o >= size) throw StepError("touch offset beyond the mapping", EINVAL, path, hex(o));
    *static_cast<volatile char*>(static_cast<char*>(base) + o) = 0x5a;
  }
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
