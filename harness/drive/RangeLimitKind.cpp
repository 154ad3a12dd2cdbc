// range_limit: write `granule` ranges to one device's `mapping` back to back until the
// kernel refuses one or the region ends, then bind it to the scenario's driver.
#include "RangeLimitCheck.h"
#include "ScenarioKind.h"

namespace cxlrig {
namespace {

class RangeLimitKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const RangeLimitSpec& spec = *ctx.scenario.range_limit;
    if (auto why = ctx.session.caps.unmet({"driver:" + spec.driver}); !why.empty()) {
      ctx.out.rows.push_back(range_limit_skip(spec, why));
      return;
    }
    const auto& g = ctx.session.region.geometry;
    proto::DaxRangeLimit::Request req;
    req.device = ctx.session.region.seed_device;
    req.granule = spec.granule;
    req.start = (g.base + spec.granule - 1) / spec.granule * spec.granule;
    req.end = g.base + g.size - 1;
    req.align = spec.align;
    req.driver = spec.driver;
    auto r = ctx.phase("range-limit", [&] { return ctx.call<proto::DaxRangeLimit>(req); });
    ctx.out.rows.push_back(judge_range_limit(spec, req.device, r));
    ctx.out.capabilities["range_limit"] = r;
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_range_limit_kind() { return std::make_unique<RangeLimitKind>(); }

}  // namespace cxlrig
