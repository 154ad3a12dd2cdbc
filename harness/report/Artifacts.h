// A run's artifacts directory: every file a developer needs to understand the run, written
// even when the guest hangs or panics.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "Vm.h"

namespace cxlrig {

struct Artifacts {
  std::string dir;
  std::string file(const std::string& name) const { return dir + "/" + name; }
  VmLogs vm_logs() const;
  void write_text(const std::string& name, const std::string& text) const;
  void write_json(const std::string& name, const nlohmann::json& j) const;
};

// `out` if given, else runs/<UTC timestamp>/ under the current directory; created.
// A run dir that already holds results is an input error (artifacts must not be lost).
Artifacts make_artifacts_dir(const std::string& out);
std::string utc_timestamp(bool compact);

}  // namespace cxlrig
