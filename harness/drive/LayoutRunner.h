// One layout, end to end: lay each device out through `mapping` (or read a static one
// back), judge the readback, bind, map and fault in the targets, poison every planned page
// by its path and judge what every observer saw, tear down. The layout and driving kinds
// (layout_poison, static_device, the dcd fallback) share it. Rows land in the outcome as
// they are judged, so an abort keeps everything seen so far.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "KindContext.h"
#include "LayoutGenerator.h"
#include "PoisonInjector.h"
#include "RowKey.h"
#include "TargetPlan.h"

namespace cxlrig {

class LayoutRunner {
 public:
  LayoutRunner(KindContext& ctx, size_t devices);
  // The first device to use is one that already exists (the region's seed device, a
  // static device); later ones are made with dax_region/create.
  void use_existing_device(std::string name) { existing_ = std::move(name); }
  // `origin` keys the rows: its device is the scenario index of s.devices[0], its seed the
  // layout's. `extra` is merged into the layout's entry in results.json.
  void run(const Scenario& s, size_t layout_index, const Layout& layout, const RowOrigin& origin, nlohmann::json extra);

 private:
  struct Device {
    std::string name, skip;
    uint64_t base = 0;  // mapping base in the agent
    bool mapped = false;
    // Align blocks memory_failure() has unmapped this layout (unmap_and_kill()).
    std::set<uint64_t> unmapped_blocks;
  };
  void setup_device(const Scenario& s, size_t i, const DeviceLayout& model, const std::vector<PoisonTarget>& targets,
                    const RowOrigin& origin, nlohmann::json& lj);
  CheckRow check(const Scenario& s, const PoisonTarget& t, const DeviceLayout& model, const RowOrigin& origin,
                 size_t layout_index);
  std::string reproduce_line(const Scenario& s, size_t layout_index, uint64_t seed, const Layout& layout) const;

  KindContext& ctx_;
  PoisonInjector injector_;
  std::string existing_;
  std::string held_;  // the device cxlrig_holder holds (one at a time), "" for none
  std::vector<Device> devices_;
};

}  // namespace cxlrig
