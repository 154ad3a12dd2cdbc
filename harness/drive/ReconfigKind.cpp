// reconfig: a device is laid out and bound, then reconfigured while bound. A `size` write
// is refused with EBUSY (dev_dax_resize() checks dev->driver); a `mapping` write must be
// too. Where the kernel takes it (mapping_store() -> alloc_dev_dax_range(), no driver
// check, Debian's 7.3.4), the consequence is shown: device_dax maps the grown device and
// stores into the new range; fsdev_dax has pages of the old and the new range poisoned and
// the notify offsets checked, then is unbound. A splat on the way is the row's evidence.
// One driver per guest: what follows an accepted write can oops and take the guest along.
#include "ConsoleScanner.h"
#include "ExpectedObservations.h"
#include "Hex.h"
#include "Oracle.h"
#include "PoisonInjector.h"
#include "ReconfigCheck.h"
#include "ScenarioKind.h"
#include "Vm.h"

namespace cxlrig {
namespace {

class ReconfigKind : public ScenarioKindRunner {
 public:
  void run(KindContext& ctx) override {
    const ReconfigSpec& spec = *ctx.scenario.reconfig;
    const std::string driver = spec.drivers.at(ctx.options.guest);
    const std::string prefix = "reconfig/" + driver + "/";
    const std::string device = ctx.session.region.seed_device;
    if (auto why = ctx.session.caps.unmet({"driver:" + driver}); !why.empty()) {
      CheckRow r = consequence_skipped(prefix + "mapping-while-bound", device, driver, "mapping");
      r.reason = why;
      ctx.out.rows.push_back(r);
      return;
    }
    // The ranges, one free range apart, from the region's first aligned address; the range
    // written while bound comes after them.
    const auto& g = ctx.session.region.geometry;
    const uint64_t size = spec.range_size;
    const uint64_t base = (g.base + size - 1) / size * size;
    std::vector<PhysRange> ranges;
    for (unsigned i = 0; i < spec.ranges; ++i) ranges.push_back({base + 2 * i * size, base + 2 * i * size + size - 1});
    const PhysRange added{base + 2 * spec.ranges * size, base + 2 * spec.ranges * size + size - 1};
    if (added.end >= g.base + g.size) throw InputError(ctx.scenario.name + ".reconfig.ranges", "the ranges do not fit the region");
    const RangeTable before(ranges);
    std::vector<PhysRange> grown_ranges = ranges;
    grown_ranges.push_back(added);
    const RangeTable grown(grown_ranges);

    proto::DaxLayout::Request lay{device, {}, spec.align};
    for (auto& r : ranges) lay.ranges.push_back({r.start, r.end});
    auto rb = ctx.phase("layout " + device, [&] { return ctx.call<proto::DaxLayout>(lay); });
    DeviceReadback readback{{}, {}, rb.size};
    for (auto& r : rb.ranges) readback.ranges.push_back({r.start, r.end}), readback.page_offsets.push_back(r.page_offset);
    ctx.out.rows.push_back(judge_readback(RowOrigin{prefix, 0, 0}, device, driver, before, readback));
    ctx.phase("bind " + device, [&] { return ctx.call<proto::DaxBind>({device, driver}); });
    ctx.out.layouts.push_back({{"device", device}, {"driver", driver}, {"ranges", to_json(before)},
                               {"written_while_bound", {{"start", added.start}, {"end", added.end}}}});

    const uint64_t total = before.total_size();
    auto sz = ctx.phase("size while bound", [&] {
      return ctx.call<proto::DaxWrite>({device, "size", std::to_string(total + size)});
    });
    ctx.out.rows.push_back(judge_write_refused(prefix + "size-while-bound", device, driver, "size",
                                               std::to_string(total + size), total, sz));
    const std::string value = hex(added.start) + "-" + hex(added.end);
    auto mp = ctx.phase("mapping while bound", [&] { return ctx.call<proto::DaxWrite>({device, "mapping", value}); });
    ctx.out.rows.push_back(judge_write_refused(prefix + "mapping-while-bound", device, driver, "mapping", value, total, mp));

    if (mp.err != 0) {  // refused, as it must be: nothing grew, nothing follows
      for (auto step : driver == "fsdev_dax" ? std::vector<std::string>{"poison-new-range", "unbind-after-growth"}
                                             : std::vector<std::string>{"touch-new-range", "unbind-after-growth"})
        ctx.out.rows.push_back(consequence_skipped(prefix + step, device, driver, step));
      ctx.phase("teardown", [&] { return ctx.call<proto::DaxTeardown>({{device}}); });
      return;
    }
    if (driver == "device_dax") {
      // mmap the grown device and store one page into the new range.
      const bool ok = step(ctx, prefix + "touch-new-range", device, driver, "touch", [&] {
        ctx.call<proto::DaxMmap>({device, grown.total_size(), {total + kPageSize}});
      });
      if (!ok) return;  // the task died with the Oops: nothing more runs in this guest
    } else {
      poison_both(ctx, spec, prefix, device, grown, ranges.size());
    }
    step(ctx, prefix + "unbind-after-growth", device, driver, "unbind",
         [&] { ctx.call<proto::DaxTeardown>({{device}}); });
  }

 private:
  // Runs one consequence and judges it by what the console said meanwhile. False when the
  // step did not complete (the guest is not to be trusted after that).
  template <class F>
  bool step(KindContext& ctx, const std::string& key, const std::string& device, const std::string& driver,
            const std::string& what, F f) {
    const size_t mark = ctx.options.console ? ctx.options.console->lines() : 0;
    std::optional<std::string> error;
    try {
      ctx.phase(what + " " + device, [&] {
        f();
        return 0;
      });
    } catch (const GuestSplatted& e) {
      error = e.what();
    } catch (const AgentStepError& e) {
      error = e.what();
    }
    std::vector<SplatReport> splats;
    if (ctx.options.console) splats = ctx.options.console->splats_since(mark);
    ctx.out.rows.push_back(judge_consequence(key, device, driver, what, error, splats));
    return !error;
  }

  // The first page of the first old range and of the new one, each by every path given:
  // the holder must be told the offset the grown range table says.
  void poison_both(KindContext& ctx, const ReconfigSpec& spec, const std::string& prefix, const std::string& device,
                   const RangeTable& grown, size_t new_index) {
    PoisonInjector injector(ctx.guest, ctx.options.step_timeout);
    DeviceLayout model{grown, spec.align, RangeOrder::kAscending};
    for (size_t r : {size_t{0}, new_index})
      for (auto path : spec.paths) {
        PoisonTarget t{0, r, true, "first", grown.ranges()[r].start, path, false};
        InjectionContext ic;
        ic.path = path;
        ic.fsdev = true;
        ic.vcpus = static_cast<unsigned>(std::max(1, ctx.session.vcpus));
        InjectionRequest req;
        req.path = path;
        req.phys = t.phys;
        req.device = device;
        req.consumer_cpu = ctx.session.isolated_cpu.value_or(-1);
        req.mf_return_probe = ctx.session.caps.has("kretprobe:memory_failure");
        req.mf_entry_probe = ctx.session.caps.has("kprobe:memory_failure");
        InjectionObservation obs;
        try {
          obs = ctx.phase("inject " + std::string(to_string(path)), [&] { return injector.inject(req); });
        } catch (const AgentStepError& e) {
          obs.err_text = e.what();
        }
        obs.mf_probe_armed = ctx.session.caps.has("kprobe:memory_failure");
        CheckRow row = judge_injection(RowOrigin{prefix, 0, 0}, t, device, "fsdev_dax", model, ic, obs);
        if (r == new_index) row.point = "first (written while bound)";
        ctx.out.rows.push_back(row);
      }
  }
};

}  // namespace

std::unique_ptr<ScenarioKindRunner> make_reconfig_kind() { return std::make_unique<ReconfigKind>(); }

}  // namespace cxlrig
