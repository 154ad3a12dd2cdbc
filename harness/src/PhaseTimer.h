// Records how long a step of the run took, as a named phase in the result (also when the
// step throws, so an aborted run still shows where its time went).
#pragma once
#include <chrono>
#include <string>

#include "Report.h"

namespace cxlrig {

template <class F>
auto timed_phase(RunResult& r, const std::string& name, F f) {
  struct Record {
    RunResult& r;
    const std::string& name;
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    ~Record() {
      r.phases_ms.emplace_back(name, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  } rec{r, name};
  return f();
}

}  // namespace cxlrig
