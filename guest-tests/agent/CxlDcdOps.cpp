// Does this kernel take dynamic capacity? Linux's DCD series exposes a dynamic RAM
// partition on the memdev (memN/dynamic_ram_a, in earlier postings memN/dc) and the
// accepted extents as regionN/extentN.M devices. Neither exists on kernels without it,
// where the extents the device offers stay pending.
#include "Ops.h"
#include "Sysfs.h"

namespace agent {

json op_cxl_dcd_probe(const json& args) {
  const uint64_t serial = args.at("serial").get<uint64_t>();
  std::string memdev;
  if (!wait_for([&] { return !(memdev = memdev_by_serial(serial)).empty(); }, args.value("timeout_ms", 20000)))
    throw StepError("no CXL memdev with serial " + hex(serial), ENODEV, kCxlDevices);
  // Give a DCD-capable kernel time to process the Add Capacity event before looking.
  sleep_ms(args.value("settle_ms", 500));
  const std::string m = kCxlDevices + memdev;
  json partitions = json::array(), evidence = json::array();
  for (auto& e : list_dir(m)) {
    if (exists(m + "/" + e + "/size")) partitions.push_back(e);
    if (e.rfind("dynamic_ram", 0) == 0 || e == "dc") evidence.push_back(memdev + "/" + e);
  }
  json extents = json::array();
  for (auto& d : list_dir(kCxlDevices))
    if (d.rfind("extent", 0) == 0) {
      const std::string x = kCxlDevices + d;
      extents.push_back({{"name", d},
                         {"offset", read_u64_or(x + "/offset", 0)},
                         {"length", read_u64_or(x + "/length", 0)},
                         {"tag", exists(x + "/tag") ? read_attr(x + "/tag") : ""}});
      evidence.push_back(d);
    }
  return {{"memdev", memdev}, {"supported", !evidence.empty()}, {"partitions", partitions},
          {"evidence", evidence}, {"extents", extents}};
}

}  // namespace agent
