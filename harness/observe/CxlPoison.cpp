#include "CxlPoison.h"

namespace cxlrig {

std::vector<CxlPoisonRecord> cxl_poison_records(const std::vector<TraceEvent>& events) {
  std::vector<CxlPoisonRecord> out;
  for (auto& e : events) {
    if (e.event != kCxlPoisonEvent) continue;
    CxlPoisonRecord r;
    auto get = [&](const char* k) {
      auto it = e.fields.find(k);
      return it == e.fields.end() ? std::string() : it->second;
    };
    r.memdev = get("memdev");
    r.region = get("region");
    if (auto h = e.u64("hpa"); h && *h != ~uint64_t{0}) r.hpa = h;
    r.dpa = e.u64("dpa").value_or(~uint64_t{0});
    r.dpa_len = e.u64("dpa_length").value_or(e.u64("dpa_len").value_or(0));  // renamed across kernels
    r.source = get("source");
    out.push_back(r);
  }
  return out;
}

}  // namespace cxlrig
