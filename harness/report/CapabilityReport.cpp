#include "CapabilityReport.h"

#include <sstream>

namespace cxlrig {
namespace {

bool flag(const nlohmann::json& caps, const std::string& key) {
  auto it = caps.find(key);
  return it != caps.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::vector<CapabilityLine> capability_lines(const nlohmann::json& caps) {
  return {
      {"fsdev_dax", flag(caps, "driver:fsdev_dax"), "fsdev_dax devices (offset seen at dax_holder_notify_failure)"},
      {"device_dax", flag(caps, "driver:device_dax"), "device_dax devices (offset seen as SIGBUS si_addr)"},
      {"cxl", flag(caps, "cxl"), "every CXL topology"},
      {"dcd", flag(caps, "cxl:dcd"), "DC extents as dax ranges (else the extent-shaped fallback layout)"},
      {"kprobe events", flag(caps, "tracefs"), "kprobe observers"},
      {"kprobe dax_holder_notify_failure", flag(caps, "kprobe:dax_holder_notify_failure"), "fsdev_dax offset observer"},
      {"kprobe memory_failure", flag(caps, "kprobe:memory_failure"), "memory_failure pfn observer"},
      {"hwpoison inject", flag(caps, "poison:corrupt_pfn"), "--inject corrupt_pfn"},
      {"memory failure", flag(caps, "poison:madvise"), "--inject madvise, hard_offline"},
      {"mce inject (AO)", flag(caps, "poison:mce_ao"), "--inject mce_ao"},
      {"mce inject (AR)", flag(caps, "poison:mce_ar"), "--inject mce_ar (needs an isolated vCPU)"},
      {"cxl poison (QMP)", flag(caps, "poison:cxl_qmp"), "--inject cxl_qmp"},
      {"cxl poison (debugfs)", flag(caps, "poison:cxl_debugfs"), "--inject cxl_debugfs"},
      {"KASAN", flag(caps, "kasan"), "use-after-free/out-of-bounds splats (--variant kasan)"},
      {"KCSAN", flag(caps, "kcsan"), "data-race splats, e.g. the holder_ops double fetch (--variant kcsan)"},
      {"lockdep", flag(caps, "lockdep"), "lock-order splats (--variant debug)"},
  };
}

std::string render_capabilities(const std::string& kernel_release, const nlohmann::json& caps) {
  std::ostringstream out;
  out << "kernel " << kernel_release << "\n";
  size_t w = 0;
  const auto lines = capability_lines(caps);
  for (auto& l : lines) w = std::max(w, l.name.size());
  for (auto& l : lines) {
    out << "  " << l.name << std::string(w - l.name.size() + 2, ' ') << (l.present ? "yes " : "no  ");
    out << "  " << (l.present ? "" : "SKIP: ") << l.gates << "\n";
  }
  return out.str();
}

}  // namespace cxlrig
