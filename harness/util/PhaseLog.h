// How long each step of a run took, as named phases (also when the step throws, so an
// aborted run still shows where its time went).
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cxlrig {

struct PhaseLog {
  std::vector<std::pair<std::string, double>> entries;  // (name, milliseconds), in order
  std::function<void(const std::string&)> on_start;     // progress display, if any
};

template <class F>
auto timed_phase(PhaseLog& log, const std::string& name, F f) {
  struct Record {
    PhaseLog& log;
    const std::string& name;
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    ~Record() {
      log.entries.emplace_back(name, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  } rec{log, name};
  if (log.on_start) log.on_start(name);
  return f();
}

}  // namespace cxlrig
