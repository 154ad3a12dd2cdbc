// A ram or pmem region through raw sysfs (Debian's ndctl 76 refuses ram regions): memdevs are
// picked by serial, never by memN name, which depends on probe order.
#include "Ops.h"
#include "Sysfs.h"

namespace agent {

std::string memdev_by_serial(uint64_t serial) {
  for (auto& d : list_dir(kCxlDevices))
    if (d.rfind("mem", 0) == 0 && exists(kCxlDevices + d + "/serial") && read_u64(kCxlDevices + d + "/serial") == serial)
      return d;
  return {};
}

namespace {

// The endpoint port whose uport is this memdev.
std::string endpoint_of(const std::string& memdev) {
  for (auto& d : list_dir(kCxlDevices))
    if (d.rfind("endpoint", 0) == 0 && link_target_name(kCxlDevices + d + "/uport") == memdev) return d;
  return {};
}

std::string free_endpoint_decoder(const std::string& endpoint) {
  for (auto& d : list_dir(kCxlDevices + endpoint))
    if (d.rfind("decoder", 0) == 0 && exists(kCxlDevices + endpoint + "/" + d + "/dpa_size") &&
        read_u64(kCxlDevices + endpoint + "/" + d + "/dpa_size") == 0)
      return d;
  return {};
}

// Root decoders are numbered in CFMWS (window) order.
std::string root_decoder(unsigned window, const std::string& mode) {
  const std::string name = "decoder0." + std::to_string(window);
  return exists(kCxlDevices + name + "/create_" + mode + "_region") ? name : std::string();
}

// Path below root0, e.g. root0/port1/port2/endpoint3/decoder3.0: the host derives the
// decoder's level (root, host bridge, switch, endpoint) from it.
std::string below_root(const std::string& sysfs_device) {
  std::string p = real_path(sysfs_device);
  auto at = p.find("/root");
  return at == std::string::npos ? p : p.substr(at + 1);
}

proto::CxlCreateRegion::Decoder decoder_snapshot(const std::string& name) {
  const std::string d = kCxlDevices + name;
  proto::CxlCreateRegion::Decoder j;
  j.name = name;
  j.path = below_root(d);
  j.interleave_ways = read_u64_or(d + "/interleave_ways", 0);
  j.interleave_granularity = read_u64_or(d + "/interleave_granularity", 0);
  j.start = read_u64_or(d + "/start", 0);
  j.size = read_u64_or(d + "/size", 0);
  if (exists(d + "/target_list")) j.target_list = read_attr(d + "/target_list");
  if (exists(d + "/mode")) j.mode = read_attr(d + "/mode");
  if (exists(d + "/dpa_size")) j.dpa_size = read_u64(d + "/dpa_size");
  if (exists(d + "/dpa_resource")) j.dpa_resource = read_u64(d + "/dpa_resource");
  return j;
}

// Every decoder the region claimed (switch and endpoint decoders name it in `region`),
// plus the root decoder it was carved from.
std::vector<proto::CxlCreateRegion::Decoder> region_decoders(const std::string& region, const std::string& root) {
  std::vector<proto::CxlCreateRegion::Decoder> out = {decoder_snapshot(root)};
  for (auto& d : list_dir(kCxlDevices))
    if (d.rfind("decoder", 0) == 0 && exists(kCxlDevices + d + "/region") && read_attr(kCxlDevices + d + "/region") == region)
      out.push_back(decoder_snapshot(d));
  return out;
}

}  // namespace

proto::CxlCreateRegion::Reply op_cxl_create_region(const proto::CxlCreateRegion::Request& req) {
  const int timeout_ms = req.timeout_ms;
  const std::vector<uint64_t>& serials = req.serials;  // by position
  const uint64_t granularity = req.granularity;
  const std::string& mode = req.mode;
  const unsigned window = req.window;

  // cxl_pci/cxl_mem probe asynchronously: wait for every memdev and its endpoint.
  std::vector<std::string> memdevs, endpoints;
  for (auto s : serials) {
    std::string m, e;
    if (!wait_for([&] { return !(m = memdev_by_serial(s)).empty() && !(e = endpoint_of(m)).empty(); }, timeout_ms))
      throw StepError("no CXL memdev with serial " + hex(s) + " and an endpoint port appeared", ENODEV, kCxlDevices);
    memdevs.push_back(m);
    endpoints.push_back(e);
  }
  std::string root;
  if (!wait_for([&] { return !(root = root_decoder(window, mode)).empty(); }, timeout_ms))
    throw StepError("no root decoder decoder0." + std::to_string(window) + " with create_" + mode + "_region", ENODEV,
                    kCxlDevices + "root0");
  const std::string rd = kCxlDevices + root;

  std::string region = read_attr(rd + "/create_" + mode + "_region");
  write_attr(rd + "/create_" + mode + "_region", region);
  const std::string rp = kCxlDevices + region;
  // A pmem region is named by a UUID (its namespace labels refer to it) before it gets a size.
  // uuid_store() insists on exactly UUID_STRING_LEN + 1 bytes: the newline is required.
  if (mode == "pmem") {
    if (!req.uuid) throw StepError("a pmem region needs a uuid", EINVAL);
    write_attr(rp + "/uuid", *req.uuid + "\n");
  }
  write_attr(rp + "/interleave_granularity", std::to_string(granularity));
  write_attr(rp + "/interleave_ways", std::to_string(serials.size()));

  const uint64_t per_dev = req.dpa_size;
  std::vector<std::string> decoders;
  for (size_t i = 0; i < memdevs.size(); ++i) {
    std::string dec = free_endpoint_decoder(endpoints[i]);
    if (dec.empty()) throw StepError("no free endpoint decoder", EBUSY, kCxlDevices + endpoints[i]);
    const std::string dp = kCxlDevices + endpoints[i] + "/" + dec;
    write_attr(dp + "/mode", mode);
    write_attr(dp + "/dpa_size", hex(per_dev));
    decoders.push_back(dec);
  }
  write_attr(rp + "/size", hex(per_dev * memdevs.size()));
  for (size_t i = 0; i < decoders.size(); ++i) write_attr(rp + "/target" + std::to_string(i), decoders[i]);
  write_attr(rp + "/commit", "1");
  if (!exists(rp + "/driver")) write_attr("/sys/bus/cxl/drivers/cxl_region/bind", region);

  proto::CxlCreateRegion::Reply out;
  out.region = region;
  out.root_decoder = root;
  out.mode = mode;
  out.start = read_u64(rp + "/resource");
  out.size = read_u64(rp + "/size");
  out.interleave_ways = read_u64(rp + "/interleave_ways");
  out.interleave_granularity = read_u64(rp + "/interleave_granularity");

  // Targets as the kernel holds them (regionN/targetI), traced back to the memdev serial.
  for (size_t i = 0; i < serials.size(); ++i) {
    const std::string dec = read_attr(rp + "/target" + std::to_string(i));
    const std::string ep_dir = real_path(kCxlDevices + dec + "/..");
    const std::string ep = ep_dir.substr(ep_dir.rfind('/') + 1);
    const std::string memdev = link_target_name(kCxlDevices + ep + "/uport");
    out.targets.push_back({memdev, read_u64_or(kCxlDevices + memdev + "/serial", 0), static_cast<unsigned>(i), ep, dec,
                           read_u64(kCxlDevices + dec + "/dpa_resource"), read_u64(kCxlDevices + dec + "/dpa_size"),
                           exists(kCxlDevices + memdev + "/trigger_poison_list"),
                           exists("/sys/kernel/debug/cxl/" + memdev + "/inject_poison")});
  }
  out.decoders = region_decoders(region, root);
  if (mode == "pmem") return out;

  // dax_cxl turns a ram region into a dax_region with one device spanning it.
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
  out.dax_region = real_path(rp + "/" + dax_region);
  out.device = seed;
  return out;
}

}  // namespace agent
