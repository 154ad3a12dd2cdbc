// layout_poison: N layouts drawn from the seed (layout i from seed + i), each laid out,
// bound, mapped and poisoned by LayoutRunner, in one boot.
#include "LayoutRunner.h"
#include "RunStatus.h"
#include "ScenarioKind.h"

namespace cxlrig {
namespace {

class LayoutPoisonKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const Scenario& s = ctx.scenario;
    LayoutRunner runner(ctx, s.devices.size());
    runner.use_existing_device(ctx.session.region.seed_device);
    std::vector<DeviceShape> shapes;
    for (auto& d : s.devices) shapes.push_back(d.shape);
    const RegionSpan span = ctx.region_span();
    if (RunStatus* st = ctx.options.status) {  // the layouts are pure: count their checks up front
      st->layouts(ctx.layouts());
      for (size_t li = 0; li < ctx.layouts(); ++li) {
        const uint64_t seed = ctx.options.seed + li;
        st->add_checks(plan_targets(s, generate_layout(seed, span, draw_specs(seed, span, shapes)), ctx.options.inject, li).size());
      }
    }
    for (size_t li = 0; li < ctx.layouts(); ++li) {
      const uint64_t seed = ctx.options.seed + li;
      runner.run(s, li, generate_layout(seed, span, draw_specs(seed, span, shapes)), RowOrigin{"", 0, seed},
                 nlohmann::json::object());
    }
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_layout_poison_kind() { return std::make_unique<LayoutPoisonKind>(); }

}  // namespace cxlrig
