#include "Artifacts.h"

#include <ctime>
#include <filesystem>
#include <fstream>

#include "InputError.h"

namespace fs = std::filesystem;

namespace cxlrig {

std::string utc_timestamp(bool compact) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, compact ? "%Y%m%d-%H%M%S" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

VmLogs Artifacts::vm_logs() const {
  return {file("console.log"), file("qmp.log"), file("agent.log"), file("qemu.log")};
}

void Artifacts::write_text(const std::string& name, const std::string& text) const {
  std::ofstream o(file(name), std::ios::trunc);
  o << text;
  if (!o) throw InfraError("cannot write " + file(name));
}

void Artifacts::write_json(const std::string& name, const nlohmann::json& j) const { write_text(name, j.dump(2) + "\n"); }

Artifacts make_artifacts_dir(const std::string& out) {
  std::string dir = out;
  if (dir.empty()) {
    dir = "runs/" + utc_timestamp(true);
    for (int i = 1; fs::exists(dir); ++i) dir = "runs/" + utc_timestamp(true) + "-" + std::to_string(i);
  }
  if (fs::exists(dir + "/results.json"))
    throw InputError("--out", dir + " already holds a run's results", "pick a new directory, or remove the old run first");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("--out", "cannot create " + dir + ": " + ec.message());
  return {fs::absolute(dir).lexically_normal().string()};
}

}  // namespace cxlrig
