// A ram region through raw sysfs (Debian's ndctl 76 refuses ram regions): memdevs are
// picked by serial, never by memN name, which depends on probe order.
#include <map>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {

const std::string kCxl = "/sys/bus/cxl/devices/";

std::string memdev_by_serial(uint64_t serial) {
  for (auto& d : list_dir(kCxl))
    if (d.rfind("mem", 0) == 0 && exists(kCxl + d + "/serial") && read_u64(kCxl + d + "/serial") == serial) return d;
  return {};
}

// The endpoint port whose uport is this memdev.
std::string endpoint_of(const std::string& memdev) {
  for (auto& d : list_dir(kCxl))
    if (d.rfind("endpoint", 0) == 0 && link_target_name(kCxl + d + "/uport") == memdev) return d;
  return {};
}

std::string free_endpoint_decoder(const std::string& endpoint) {
  for (auto& d : list_dir(kCxl + endpoint))
    if (d.rfind("decoder", 0) == 0 && exists(kCxl + endpoint + "/" + d + "/dpa_size") &&
        read_u64(kCxl + endpoint + "/" + d + "/dpa_size") == 0)
      return d;
  return {};
}

// A root decoder that can host ram regions over `ways` host bridges.
std::string root_decoder(const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  for (auto& d : list_dir(kCxl + "root0"))
    if (d.rfind("decoder", 0) == 0 && exists(kCxl + d + "/create_ram_region")) return d;
  return {};
}

}  // namespace

json op_cxl_create_region(const json& args) {
  const int timeout_ms = args.value("timeout_ms", 20000);
  std::vector<uint64_t> serials = args.at("serials").get<std::vector<uint64_t>>();
  const uint64_t granularity = args.value("granularity", 256ull);

  // cxl_pci/cxl_mem probe asynchronously: wait for every memdev and its endpoint.
  std::vector<std::string> memdevs, endpoints;
  for (auto s : serials) {
    std::string m, e;
    if (!wait_for([&] { return !(m = memdev_by_serial(s)).empty() && !(e = endpoint_of(m)).empty(); }, timeout_ms))
      throw StepError("no CXL memdev with serial " + hex(s) + " and an endpoint port appeared", ENODEV, kCxl);
    memdevs.push_back(m);
    endpoints.push_back(e);
  }
  std::string root;
  if (!wait_for([&] { return !(root = root_decoder(args.value("root_decoder", ""))).empty(); }, timeout_ms))
    throw StepError("no root decoder with create_ram_region", ENODEV, kCxl + "root0");
  const std::string rd = kCxl + root;

  std::string region = read_attr(rd + "/create_ram_region");
  write_attr(rd + "/create_ram_region", region);
  const std::string rp = kCxl + region;
  write_attr(rp + "/interleave_granularity", std::to_string(granularity));
  write_attr(rp + "/interleave_ways", std::to_string(serials.size()));

  uint64_t per_dev = args.value("dpa_size", 0ull);
  std::vector<std::string> decoders;
  for (size_t i = 0; i < memdevs.size(); ++i) {
    uint64_t ram = read_u64(kCxl + memdevs[i] + "/ram/size");
    if (per_dev == 0 || per_dev > ram) per_dev = per_dev == 0 ? ram : per_dev;
    std::string dec = free_endpoint_decoder(endpoints[i]);
    if (dec.empty()) throw StepError("no free endpoint decoder", EBUSY, kCxl + endpoints[i]);
    const std::string dp = kCxl + endpoints[i] + "/" + dec;
    write_attr(dp + "/mode", "ram");
    write_attr(dp + "/dpa_size", hex(per_dev));
    decoders.push_back(dec);
  }
  write_attr(rp + "/size", hex(per_dev * memdevs.size()));
  for (size_t i = 0; i < decoders.size(); ++i) write_attr(rp + "/target" + std::to_string(i), decoders[i]);
  write_attr(rp + "/commit", "1");
  if (!exists(rp + "/driver")) write_attr("/sys/bus/cxl/drivers/cxl_region/bind", region);

  // dax_cxl turns the region into a dax_region with one device spanning it.
  std::string dax_region, seed;
  if (!wait_for([&] {
        for (auto& d : list_dir(rp))
          if (d.rfind("dax_region", 0) == 0) {
            dax_region = d;
            for (auto& x : list_dir(rp + "/" + d))
              if (x.rfind("dax", 0) == 0 && x.find('.') != std::string::npos) seed = x;
          }
        return !seed.empty();
      }, timeout_ms))
    throw StepError("region committed but no dax device appeared (is dax_cxl loaded?)", ENODEV, rp);

  json targets = json::array();
  for (size_t i = 0; i < decoders.size(); ++i)
  {
    const std::string dp = kCxl + endpoints[i] + "/" + decoders[i];
    targets.push_back({{"memdev", memdevs[i]},
                       {"serial", serials[i]},
                       {"position", i},
                       {"endpoint", endpoints[i]},
                       {"decoder", decoders[i]},
                       {"dpa_resource", read_u64(dp + "/dpa_resource")},
                       {"dpa_size", read_u64(dp + "/dpa_size")},
                       {"poison_list", exists(kCxl + memdevs[i] + "/trigger_poison_list")},
                       {"inject_poison", exists("/sys/kernel/debug/cxl/" + memdevs[i] + "/inject_poison")}});
  }
  return {{"region", region},
          {"root_decoder", root},
          {"start", read_u64(rp + "/resource")},
          {"size", read_u64(rp + "/size")},
          {"interleave_ways", read_u64(rp + "/interleave_ways")},
          {"interleave_granularity", read_u64(rp + "/interleave_granularity")},
          {"dax_region", real_path(rp + "/" + dax_region)},
          {"device", seed},
          {"targets", targets}};
}

}  // namespace agent
