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

proto::NdDevdaxCreate::Reply op_nd_devdax_create(const proto::NdDevdaxCreate::Request& req) {
  const int timeout_ms = req.timeout_ms;
  const std::string& cxl_region = req.region;
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
  write_attr(np + "/uuid", req.namespace_uuid);
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
  write_attr(dp + "/uuid", req.dax_uuid);
  write_attr(dp + "/mode", req.memmap);
  write_attr(dp + "/align", std::to_string(req.align));
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
  proto::NdDevdaxCreate::Reply out;
  out.nd_region = nd_region;
  out.ns = ns;
  out.namespace_start = read_u64(np + "/resource");
  out.namespace_size = read_u64(np + "/size");
  out.nd_dax = nd_dax;
  out.data_start = read_u64(dp + "/resource");
  out.device = dev;
  out.align = read_u64("/sys/bus/dax/devices/" + dev + "/align");
  out.start = read_u64(m0 + "/start");
  out.end = read_u64(m0 + "/end");
  return out;
}

}  // namespace agent
