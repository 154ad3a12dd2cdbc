#include "ScenarioRunner.h"

#include "GuestSession.h"
#include "KindContext.h"
#include "ScenarioKind.h"

namespace cxlrig {

void ScenarioRunner::run() {
  GuestSession session(guest_, t_, o_, out_);
  SessionFacts facts = session.start();
  publish_capabilities(facts, out_);
  if (auto why = facts.caps.unmet(s_.requires_); !why.empty()) {
    CheckRow row;
    row.key = row.id = "scenario/" + s_.name;
    row.point = "setup";
    row.path = "requires";
    row.verdict = Verdict::kSkip;
    row.reason = why;
    out_.rows.push_back(row);
    return;
  }
  KindContext ctx{guest_, s_, t_, o_, facts, out_};
  make_scenario_kind(s_.kind)->run(ctx);
  publish_capabilities(facts, out_);  // what the kind learnt (cxl:dcd)
}

void ScenarioRunner::probe() {
  GuestSession session(guest_, t_, o_, out_);
  SessionFacts facts = session.start();
  session.probe_dcd(facts);
  publish_capabilities(facts, out_);
}

}  // namespace cxlrig
