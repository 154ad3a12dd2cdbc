// Drives one scenario in a booted guest: modules, region, layouts through `mapping`,
// binds, mappings, kprobes, injections. Observations go straight to the oracle; rows land
// in the result as they are judged, so an abort keeps everything seen so far.
#pragma once
#include <string>
#include <vector>

#include "Report.h"
#include "Scenario.h"
#include "Topology.h"
#include "Vm.h"

namespace cxlrig {

struct ScenarioOptions {
  uint64_t seed = 1;
  std::vector<std::string> modules;  // load order, names as in the initramfs
  Millis boot_timeout{120000};
  Millis step_timeout{60000};
};

class ScenarioRunner {
 public:
  ScenarioRunner(Vm& vm, const Scenario& s, const Topology& t, ScenarioOptions o, RunResult& out);
  void run();

 private:
  template <class F>
  auto phase(const std::string& name, F f);
  nlohmann::json call(const std::string& op, const nlohmann::json& args);
  std::string unmet(const std::vector<std::string>& requires_) const;
  std::string path_unmet(PoisonPath p) const;

  Vm& vm_;
  const Scenario& s_;
  const Topology& t_;
  ScenarioOptions o_;
  RunResult& out_;
  nlohmann::json caps_ = nlohmann::json::object();
  std::string kernel_release_;
};

}  // namespace cxlrig
