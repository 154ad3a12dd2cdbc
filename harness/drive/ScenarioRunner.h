// Drives one scenario in a booted guest: the session (modules, capabilities, region), then
// the scenario's kind. `kernel info` is the session alone, plus a look for DCD support.
#pragma once
#include "Guest.h"
#include "Scenario.h"
#include "ScenarioOptions.h"
#include "ScenarioOutcome.h"
#include "Topology.h"

namespace cxlrig {

class ScenarioRunner {
 public:
  ScenarioRunner(Guest& guest, const Scenario& s, const Topology& t, ScenarioOptions o, ScenarioOutcome& out)
      : guest_(guest), s_(s), t_(t), o_(std::move(o)), out_(out) {}
  void run();
  // `cxlrig kernel info`: boot, load the modules, arm the kprobes, make the region and look
  // for DCD support; no layouts, no poison. The capabilities land in out.capabilities.
  void probe();

 private:
  Guest& guest_;
  const Scenario& s_;
  const Topology& t_;
  ScenarioOptions o_;
  ScenarioOutcome& out_;
};

}  // namespace cxlrig
