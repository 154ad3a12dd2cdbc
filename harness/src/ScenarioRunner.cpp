#include "ScenarioRunner.h"

#include <map>

#include "InputError.h"
#include "LayoutGenerator.h"

namespace cxlrig {

ScenarioRunner::ScenarioRunner(Vm& vm, const Scenario& s, const Topology& t, ScenarioOptions o, RunResult& out)
    : vm_(vm), s_(s), t_(t), o_(std::move(o)), out_(out) {}

template <class F>
auto ScenarioRunner::phase(const std::string& name, F f) {
  auto t0 = std::chrono::steady_clock::now();
  struct Record {
    RunResult& r;
    std::string n;
    std::chrono::steady_clock::time_point t0;
    ~Record() {
      r.phases_ms.emplace_back(n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  } rec{out_, name, t0};
  return f();
}

nlohmann::json ScenarioRunner::call(const std::string& op, const nlohmann::json& args) {
  return vm_.agent(op, args, o_.step_timeout);
}

std::string ScenarioRunner::unmet(const std::vector<std::string>& reqs) const {
  for (auto& r : reqs) {
    if (caps_.value(r, false)) continue;
    std::string why = "requires " + r + ", which kernel " + kernel_release_ + " does not offer";
    if (r == "driver:fsdev_dax") why += " (no fsdev_dax driver: CONFIG_DEV_DAX_FSDEV, Linux 7.x)";
    if (r.rfind("kprobe:", 0) == 0) why += " (kprobe could not be armed: symbol missing or no KPROBE_EVENTS)";
    return why;
  }
  return {};
}

std::string ScenarioRunner::path_unmet(PoisonPath p) const {
  return unmet({std::string("poison:") + to_string(p)});
}

void ScenarioRunner::run() {
  nlohmann::json ready = phase("boot", [&] { return vm_.wait_ready(o_.boot_timeout); });
  kernel_release_ = ready.value("kernel", "?");
  out_.booted = true;
  out_.kernel["release"] = kernel_release_;

  phase("modules", [&] { return call("load_modules", {{"modules", o_.modules}}); });
  caps_ = call("info", nullptr).value("caps", nlohmann::json::object());
  if (caps_.value("tracefs", false)) {
    nlohmann::json probes = nlohmann::json::array();
    std::map<std::string, std::string> symbol_of;
    for (auto& k : default_kprobes()) {
      probes.push_back({{"event", k.event}, {"definition", k.definition()}});
      symbol_of[k.event] = k.symbol;
    }
    auto armed = phase("kprobes", [&] { return call("kprobes_arm", {{"probes", probes}}); });
    for (auto& ev : armed["armed"]) caps_["kprobe:" + symbol_of[ev.get<std::string>()]] = true;
    out_.capabilities["kprobes_failed"] = armed["failed"];
  }
  for (auto& [k, v] : caps_.items()) out_.capabilities[k] = v;
  const bool mf_armed = caps_.value("kprobe:memory_failure", false);

  const RegionSpec& rs = t_.regions.at(0);
  nlohmann::json region = phase("region", [&] {
    return call("cxl_create_region", {{"serials", rs.memdev_serials}, {"granularity", rs.granularity}});
  });
  out_.capabilities["region"] = region;
  const RegionSpan span{result_u64(region, "start", "cxl_create_region"), result_u64(region, "size", "cxl_create_region")};
  const std::string dax_region = result_str(region, "dax_region", "cxl_create_region");
  std::string seed_device = result_str(region, "device", "cxl_create_region");

  std::vector<DeviceLayoutSpec> specs;
  for (auto& d : s_.devices) specs.push_back({d.ranges, d.align});
  const Layout layout = generate_layout(o_.seed, span, specs);
  const auto targets = plan_targets(s_, layout);

  // Lay out, bind and map every device whose requirements hold.
  struct Live {
    std::string name, skip;
    uint64_t base = 0;
  };
  std::vector<Live> live(s_.devices.size());
  for (size_t i = 0; i < s_.devices.size(); ++i) {
    const auto& sd = s_.devices[i];
    const auto& model = layout.devices[i];
    nlohmann::json lj = {{"index", i}, {"driver", sd.driver}, {"align", sd.align}, {"ranges", to_json(model.table)}};
    live[i].skip = unmet(sd.requires_);
    if (!live[i].skip.empty()) {
      lj["skipped"] = live[i].skip;
      out_.layouts.push_back(lj);
      continue;
    }
    try {
      live[i].name = seed_device.empty() ? result_str(call("dax_create", {{"dax_region", dax_region}}), "device", "dax_create")
                                         : seed_device;
      seed_device.clear();
      lj["device"] = live[i].name;
      nlohmann::json ranges = nlohmann::json::array();
      for (auto& r : model.table.ranges()) ranges.push_back({{"start", r.start}, {"end", r.end}});
      auto rb = phase("layout " + live[i].name, [&] {
        return call("dax_layout", {{"device", live[i].name}, {"ranges", ranges}, {"align", sd.align}});
      });
      DeviceReadback readback;
      readback.size = result_u64(rb, "size", "dax_layout");
      for (auto& r : rb.at("ranges")) {
        readback.ranges.push_back({result_u64(r, "start", "dax_layout"), result_u64(r, "end", "dax_layout")});
        readback.page_offsets.push_back(result_u64(r, "page_offset", "dax_layout"));
      }
      lj["readback"] = rb;
      out_.rows.push_back(judge_readback(live[i].name, sd.driver, model.table, readback));
      phase("bind " + live[i].name, [&] { return call("dax_bind", {{"device", live[i].name}, {"driver", sd.driver}}); });
      if (sd.observer == Observer::kSigbus) {
        nlohmann::json touch = nlohmann::json::array();
        for (auto& t : targets)
          if (t.device == i && t.range) touch.push_back(model.table.locate(t.phys)->dev_offset);
        auto m = phase("mmap " + live[i].name, [&] {
          return call("dax_mmap", {{"device", live[i].name}, {"size", model.table.total_size()}, {"touch", touch}});
        });
        live[i].base = result_u64(m, "base", "dax_mmap");
        lj["map_base"] = live[i].base;
      }
    } catch (const AgentStepError& e) {
      // The kernel refused a setup step: that is a finding about this kernel, not a crash.
      out_.rows.push_back(setup_failure_row(live[i].name, sd.driver, e.failure.op, e.failure.err, e.what()));
      live[i].skip = "device setup failed: " + e.failure.describe();
      lj["error"] = e.what();
    }
    out_.layouts.push_back(lj);
  }

  for (const auto& t : targets) {
    const auto& sd = s_.devices[t.device];
    const Live& dev = live[t.device];
    if (!dev.skip.empty()) {
      out_.rows.push_back(skip_row(t, dev.name, sd.driver, dev.skip));
      continue;
    }
    if (auto why = path_unmet(t.path); !why.empty()) {
      out_.rows.push_back(skip_row(t, dev.name, sd.driver, why));
      continue;
    }
    nlohmann::json args = {{"path", to_string(t.path)}, {"phys", t.phys}, {"device", dev.name}};
    if (t.path == PoisonPath::kMadvise) args["offset"] = layout.devices[t.device].table.locate(t.phys)->dev_offset;
    InjectionObservation obs;
    try {
      auto r = phase("inject " + dev.name + " " + t.point, [&] { return call("inject", args); });
      obs.err = r.value("errno", 0);
      obs.events = parse_trace(r.value("trace", std::vector<std::string>{}));
      for (auto& k : r.value("kmsg", std::vector<std::string>{})) obs.kmsg.push_back(kmsg_message(k));
      for (auto& sg : r.value("signals", nlohmann::json::array()))
        obs.signals.push_back({sg.value("signo", 0), sg.value("code", 0), sg.value("addr", uint64_t{0}), sg.value("addr_lsb", 0)});
    } catch (const AgentStepError& e) {
      CheckRow row = skip_row(t, dev.name, sd.driver, "");
      row.verdict = Verdict::kFail;
      row.reason = e.what();
      out_.rows.push_back(row);
      continue;
    }
    obs.map_base = dev.base;
    obs.mf_probe_armed = mf_armed;
    out_.rows.push_back(judge_injection(t, dev.name, sd.driver, layout.devices[t.device], obs));
  }
}

}  // namespace cxlrig
