// Does this kernel take dynamic capacity? Linux's DCD series exposes a dynamic RAM
// partition on the memdev (memN/dynamic_ram_a, in earlier postings memN/dc) and the
// accepted extents as regionN/extentN.M devices. Neither exists on kernels without it,
// where the extents the device offers stay pending.
#include "Ops.h"
#include "Sysfs.h"

namespace agent {

proto::CxlDcdProbe::Reply op_cxl_dcd_probe(const proto::CxlDcdProbe::Request& req) {
  proto::CxlDcdProbe::Reply out;
  if (!wait_for([&] { return !(out.memdev = memdev_by_serial(req.serial)).empty(); }, req.timeout_ms))
    throw StepError("no CXL memdev with serial " + hex(req.serial), ENODEV, kCxlDevices);
  // Give a DCD-capable kernel time to process the Add Capacity event before looking.
  sleep_ms(req.settle_ms);
  const std::string m = kCxlDevices + out.memdev;
  for (auto& e : list_dir(m)) {
    if (exists(m + "/" + e + "/size")) out.partitions.push_back(e);
    if (e.rfind("dynamic_ram", 0) == 0 || e == "dc") out.evidence.push_back(out.memdev + "/" + e);
  }
  for (auto& d : list_dir(kCxlDevices))
    if (d.rfind("extent", 0) == 0) {
      const std::string x = kCxlDevices + d;
      out.extents.push_back({d, read_u64_or(x + "/offset", 0), read_u64_or(x + "/length", 0),
                             exists(x + "/tag") ? read_attr(x + "/tag") : ""});
      out.evidence.push_back(d);
    }
  out.supported = !out.evidence.empty();
  return out;
}

}  // namespace agent
