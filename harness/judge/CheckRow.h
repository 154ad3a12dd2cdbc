// One judged check: a row of the verdict table. Every observer is judged on its own (a cell
// per observer), so a row says exactly which one disagrees and why.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

enum class Verdict { kPass, kFail, kSkip };
const char* to_string(Verdict v);

struct ObserverCell {
  std::string observer;  // notify, sigbus, mf, kmsg, qmp, cxl, sysfs, agent
  std::string expected;
  std::string observed;
  Verdict verdict = Verdict::kPass;
};

struct CheckRow {
  std::string key;          // stable across kernels and nights (RowKey.h)
  std::string id;           // for people: names the kernel gave (dax0.1/r2/first/madvise)
  size_t layout = 0;
  std::string device;       // daxX.Y
  std::string driver;
  std::optional<size_t> range;
  std::string point;        // first/interior/last/before/after/outside/readback/setup
  std::optional<uint64_t> phys;
  std::string expected;     // the device offset the kernel must report, or "outside"
  std::string path;         // poison path, or "sysfs"
  std::vector<ObserverCell> cells;
  Verdict verdict = Verdict::kPass;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
  const ObserverCell* cell(const std::string& observer) const;
};

}  // namespace cxlrig
