// A pmem namespace in devdax mode on a CXL pmem region, through raw sysfs (what
// `ndctl create-namespace -m devdax` does): the cxl region's nvdimm region gets a labelled
// namespace, the namespace is claimed by an nd dax device, and dax_pmem turns that into a
// static dax region. Its pgmap starts at the namespace; its dev_dax range starts after the
// pfn metadata (data_offset).
#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {
const std::string kNd = "/sys/bus/nd/devices/";
}  // namespace

json op_nd_devdax_create(const json& args) {
  const int timeout_ms = args.value("timeout_ms", 20000);
  const std::string cxl_region = args.at("region").get<std::string>();
  // cxl_pmem registers an nvdimm region on the CXL nvdimm bus: the one at the same address.
  const std::string rp = kCxlDevices + cxl_region;
  const uint64_t base = read_u64(rp + "/resource");
  std::string nd_region;
  if (!wait_for([&] {
        for (auto& d : list_dir(kNd))
          if (d.rfind("region", 0) == 0 && exists(kNd + d + "/resource") && read_u64(kNd + d + "/resource") == base &&
              exists(kNd + d + "/namespace_seed"))
            nd_region = d;
        return !nd_region.empty();
      }, timeout_ms))
    throw StepError("pmem region committed but no nvdimm region at " + hex(base) + " appeared (cxl_pmem, libnvdimm loaded?)",
                    ENODEV, kNd);
  const std::string nr = kNd + nd_region;

  // The namespace: labels first (uuid), then size; the kernel writes the label index.
  std::string ns;
  if (!wait_for([&] { return !(ns = read_attr(nr + "/namespace_seed")).empty(); }, timeout_ms))
    throw StepError("nvdimm region has no namespace seed", ENODEV, nr + "/namespace_seed");
  const std::string np = kNd + ns;
  write_attr(np + "/uuid", args.at("namespace_uuid").get<std::string>());
  const uint64_t available = read_u64(nr + "/available_size");
  const uint64_t region_align = read_u64_or(nr + "/align", 16ull << 20);
  const uint64_t size = available / region_align * region_align;
  if (size == 0) throw StepError("nvdimm region has no available capacity", ENOSPC, nr + "/available_size");
  write_attr(np + "/size", std::to_string(size));

  // The nd dax device claims the namespace; memmap in pmem ("pmem" mode) makes the
  // data offset cover the struct pages as well as the info block.
  std::string nd_dax;
  if (!wait_for([&] { return !(nd_dax = read_attr(nr + "/dax_seed")).empty(); }, timeout_ms))
    throw StepError("nvdimm region has no dax seed", ENODEV, nr + "/dax_seed");
  const std::string dp = kNd + nd_dax;
  write_attr(dp + "/uuid", args.at("dax_uuid").get<std::string>());
  write_attr(dp + "/mode", args.value("memmap", "pmem"));
  write_attr(dp + "/align", std::to_string(args.value("align", 4096ull)));
  write_attr(dp + "/namespace", ns);
  write_attr("/sys/bus/nd/drivers/dax_pmem/bind", nd_dax);

  // dax_pmem registers a dax region and a static dev_dax below the nd dax device.
  std::string dev;
  if (!wait_for([&] {
        for (auto& d : list_dir(dp))
          if (d.rfind("dax", 0) == 0 && d.find('.') != std::string::npos && exists("/sys/bus/dax/devices/" + d)) dev = d;
        return !dev.empty();
      }, timeout_ms))
    throw StepError("nd dax device bound but no dax device appeared (dax_pmem loaded?)", ENODEV, dp);
  const std::string m0 = "/sys/bus/dax/devices/" + dev + "/mapping0";
  return {{"nd_region", nd_region},
          {"namespace", ns},
          {"namespace_start", read_u64(np + "/resource")},
          {"namespace_size", read_u64(np + "/size")},
          {"nd_dax", nd_dax},
          {"data_start", read_u64(dp + "/resource")},
          {"device", dev},
          {"align", read_u64("/sys/bus/dax/devices/" + dev + "/align")},
          {"start", read_u64(m0 + "/start")},
          {"end", read_u64(m0 + "/end")}};
}

}  // namespace agent
