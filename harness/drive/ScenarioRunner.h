// Drives one scenario in a booted guest: modules, region, then for each layout: lay out
// through `mapping`, bind, map, poison every planned page by its path, tear down. Rows land
// in the result as they are judged, so an abort keeps everything seen so far.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "Capabilities.h"
#include "DcdPlan.h"
#include "HdmDecoder.h"
#include "Oracle.h"
#include "PoisonInjector.h"
#include "RegionPlan.h"
#include "ScenarioOutcome.h"
#include "Scenario.h"
#include "TargetPlan.h"
#include "Topology.h"
#include "Vm.h"

namespace cxlrig {

struct ScenarioOptions {
  uint64_t seed = 1;
  unsigned layouts = 0;                  // 0: the scenario's default
  std::vector<PoisonPath> inject;        // empty: every path that applies
  std::vector<std::string> modules;      // load order, names as in the initramfs
  std::string reproduce_prefix;          // `cxlrig run ...` without --seed/--layouts
  RegionPlan region;                     // the topology's region, planned (and checked) before boot
  Millis boot_timeout{120000};
  Millis step_timeout{60000};
};

class ScenarioRunner {
 public:
  ScenarioRunner(Vm& vm, const Scenario& s, const Topology& t, ScenarioOptions o, ScenarioOutcome& out);
  void run();
  // `cxlrig kernel info`: boot, load the modules, arm the kprobes, make the region and look
  // for DCD support; no layouts, no poison. The capabilities land in out.capabilities.
  void probe();

 private:
  struct Region {
    std::string name, dax_region;
    RegionGeometry geometry;
    struct Target {
      std::string memdev, type3_id;
      uint64_t dpa_base = 0;
    };
    std::vector<Target> targets;  // by position
  };
  struct Device {
    std::string name, skip;
    uint64_t base = 0;  // mapping base in the agent
    bool mapped = false;
    // Align blocks memory_failure() has unmapped this layout (unmap_and_kill()).
    std::set<uint64_t> unmapped_blocks;
  };

  template <class F>
  auto phase(const std::string& name, F f);
  template <class Op>
  typename Op::Reply call(const typename Op::Request& req);
  void publish_capabilities();
  std::string unmet(const std::vector<std::string>& requires_) const;
  void boot_and_probe();  // wait for the agent, load modules, arm kprobes, make the region
  void probe_capabilities();
  void create_region();
  // One layout, drawn from the seed, or given (the DCD extent-shaped fallback); `s` says
  // which driver and paths each of its devices gets.
  void run_layout(size_t index);
  void run_layout(const Scenario& s, size_t index, uint64_t seed, const Layout& layout, nlohmann::json extra);
  void setup_device(const Scenario& s, size_t i, const DeviceLayout& model, const std::vector<PoisonTarget>& targets,
                    nlohmann::json& lj);
  CheckRow check(const Scenario& s, const PoisonTarget& t, const DeviceLayout& model, size_t layout_index);
  void run_dcd(size_t layout_index);
  void run_static();
  std::optional<DpaTarget> dpa_of(uint64_t phys) const;
  void probe_range_limit();

  Vm& vm_;
  const Scenario& s_;
  const Topology& t_;
  ScenarioOptions o_;
  ScenarioOutcome& out_;
  PoisonInjector injector_;
  CapabilitySet caps_;
  int vcpus_ = 1;
  std::optional<int> isolated_cpu_;
  std::string kernel_release_;
  Region region_;
  std::string seed_device_;
  std::vector<Device> devices_;
};

}  // namespace cxlrig
