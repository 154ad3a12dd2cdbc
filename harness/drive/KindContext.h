// What every scenario kind is handed: the guest, the scenario and topology, the options,
// what the session found, and where its rows go.
#pragma once
#include <string>

#include "Guest.h"
#include "GuestSession.h"
#include "LayoutGenerator.h"
#include "PhaseLog.h"
#include "Scenario.h"
#include "ScenarioOptions.h"
#include "ScenarioOutcome.h"
#include "Topology.h"

namespace cxlrig {

struct KindContext {
  Guest& guest;
  const Scenario& scenario;
  const Topology& topology;
  const ScenarioOptions& options;
  SessionFacts& session;
  ScenarioOutcome& out;

  template <class Op>
  typename Op::Reply call(const typename Op::Request& req) {
    return cxlrig::call<Op>(guest, req, options.step_timeout);
  }
  template <class F>
  auto phase(const std::string& name, F f) {
    return timed_phase(out.phases, name, f);
  }
  unsigned layouts() const { return options.layouts ? options.layouts : scenario.layouts; }
  RegionSpan region_span() const { return {session.region.geometry.base, session.region.geometry.size}; }
};

}  // namespace cxlrig
