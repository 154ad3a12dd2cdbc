#include "ReconfigCheck.h"

#include "Hex.h"

namespace cxlrig {

namespace {
CheckRow base(const std::string& key, const std::string& device, const std::string& driver, const std::string& path) {
  CheckRow r;
  r.key = key;
  r.id = device + "/" + key.substr(key.find('/') + 1);
  r.device = device;
  r.driver = driver;
  r.point = "reconfig";
  r.path = path;
  return r;
}

void attach_splats(CheckRow& r, const std::vector<SplatReport>& splats) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& s : splats) a.push_back({{"title", s.title}, {"line", s.line}, {"report", s.report}});
  r.details["splats"] = a;
}
}  // namespace

CheckRow judge_write_refused(const std::string& key, const std::string& device, const std::string& driver,
                             const std::string& attr, const std::string& value, uint64_t before_size,
                             const proto::DaxWrite::Reply& reply) {
  CheckRow r = base(key, device, driver, attr);
  r.expected = "refused (EBUSY), size " + hex(before_size);
  const std::string observed = reply.err ? "errno " + std::to_string(reply.err) + ", size " + hex(reply.size)
                                         : "accepted, size " + hex(reply.size) + ", " + std::to_string(reply.ranges.size()) +
                                               " mappings";
  ObserverCell c{"sysfs", r.expected, observed, Verdict::kPass};
  r.details = {{"written", value}, {"errno", reply.err}, {"size_before", before_size}, {"size_after", reply.size},
               {"driver_after", reply.driver}, {"mappings_after", reply.ranges}};
  if (reply.err == 0) {
    c.verdict = r.verdict = Verdict::kFail;
    r.reason = "the kernel took a `" + attr + "` write on a device bound to " + driver + ": size " + hex(before_size) +
               " -> " + hex(reply.size) + (attr == "mapping" ? ", mapping" + std::to_string(reply.ranges.size() - 1) + " appeared" : "") +
               " (mapping_store() -> alloc_dev_dax_range() has no dev->driver check; size_store() -> "
               "dev_dax_resize() returns -EBUSY)";
  } else if (reply.err != kEbusy) {
    c.verdict = r.verdict = Verdict::kFail;
    r.reason = "refused with errno " + std::to_string(reply.err) + ", want EBUSY (" + std::to_string(kEbusy) + ")";
  } else if (reply.size != before_size) {
    c.verdict = r.verdict = Verdict::kFail;
    r.reason = "refused, but size changed " + hex(before_size) + " -> " + hex(reply.size);
  }
  r.cells.push_back(c);
  return r;
}

CheckRow judge_consequence(const std::string& key, const std::string& device, const std::string& driver,
                           const std::string& step, const std::optional<std::string>& error,
                           const std::vector<SplatReport>& splats) {
  CheckRow r = base(key, device, driver, step);
  r.expected = "completes, no splat";
  std::string observed = error ? "did not complete" : "completed";
  for (auto& s : splats) observed += "; " + s.title;
  ObserverCell c{"console", r.expected, observed, Verdict::kPass};
  attach_splats(r, splats);
  if (error) r.details["error"] = *error;
  if (!splats.empty() || error) {
    c.verdict = r.verdict = Verdict::kFail;
    r.reason = step + " on the grown device: " +
               (splats.empty() ? *error : splats.front().title + (splats.size() > 1 ? " (+" + std::to_string(splats.size() - 1) + " more)" : ""));
  }
  r.cells.push_back(c);
  return r;
}

CheckRow consequence_skipped(const std::string& key, const std::string& device, const std::string& driver,
                             const std::string& step) {
  CheckRow r = base(key, device, driver, step);
  r.verdict = Verdict::kSkip;
  r.reason = "the `mapping` write was refused, as it must be: nothing grew";
  return r;
}

}  // namespace cxlrig
