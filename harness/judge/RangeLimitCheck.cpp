#include "RangeLimitCheck.h"

namespace cxlrig {

namespace {
CheckRow base(const RangeLimitSpec& spec) {
  CheckRow row;
  row.key = row.id = "range-limit/" + spec.driver;
  row.driver = spec.driver;
  row.point = "limit";
  row.path = "mapping";
  row.expected = ">= " + std::to_string(spec.at_least) + " ranges";
  return row;
}
}  // namespace

CheckRow judge_range_limit(const RangeLimitSpec& spec, const std::string& device, const proto::DaxRangeLimit::Reply& r) {
  CheckRow row = base(spec);
  row.device = device;
  ObserverCell c{"sysfs", row.expected, std::to_string(r.accepted) + " ranges (" + r.stopped_by + ")", Verdict::kPass};
  row.details = r;
  if (r.accepted < spec.at_least || r.listed != r.accepted || r.bind_err != 0) {
    c.verdict = row.verdict = Verdict::kFail;
    row.reason = "the device took " + std::to_string(r.accepted) + " ranges, listed " + std::to_string(r.listed) +
                 ", bind errno " + std::to_string(r.bind_err);
  }
  row.cells.push_back(c);
  return row;
}

CheckRow range_limit_skip(const RangeLimitSpec& spec, const std::string& reason) {
  CheckRow row = base(spec);
  row.verdict = Verdict::kSkip;
  row.reason = reason;
  return row;
}

}  // namespace cxlrig
