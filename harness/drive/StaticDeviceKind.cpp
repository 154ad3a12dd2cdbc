// static_device: a pmem region's labelled namespace in devdax mode (nd_devdax_create) gives
// one static dax device; its fixed range is read back, not written, and the device is
// bound to each of the scenario's drivers in turn, one layout each.
#include "LayoutRunner.h"
#include "RegionPlan.h"
#include "ScenarioKind.h"

namespace cxlrig {
namespace {

class StaticDeviceKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const Scenario& s = ctx.scenario;
    const uint64_t seed = ctx.options.seed;
    proto::NdDevdaxCreate::Request req;
    req.region = ctx.session.region.name;
    req.namespace_uuid = uuid_from_seed(seed, 1);
    req.dax_uuid = uuid_from_seed(seed, 2);
    req.align = kPageSize;
    auto nd = ctx.phase("namespace", [&] { return ctx.call<proto::NdDevdaxCreate>(req); });
    ctx.out.capabilities["namespace"] = nd;
    // The kernel fixed the range: dev_dax->ranges[0] starts data_offset after the namespace,
    // where the pgmap starts. Offsets must count from the former.
    Layout layout;
    DeviceLayout d;
    d.table = RangeTable({{nd.start, nd.end}});
    d.align = nd.align;
    d.order = RangeOrder::kAscending;
    layout.devices = {d};
    const nlohmann::json extra = {{"static", true}, {"namespace", nd.ns}, {"namespace_start", nd.namespace_start},
                                  {"data_offset", nd.start - nd.namespace_start}};
    LayoutRunner runner(ctx, 1);
    runner.use_existing_device(nd.device);
    for (size_t i = 0; i < s.devices.size(); ++i) {
      Scenario one = s;
      one.devices = {s.devices[i]};
      one.outside_device = -1;
      runner.run(one, i, layout, RowOrigin{"", i, seed}, extra);
    }
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_static_device_kind() { return std::make_unique<StaticDeviceKind>(); }

}  // namespace cxlrig
