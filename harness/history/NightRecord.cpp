#include "NightRecord.h"

#include <algorithm>
#include <ctime>

#include "InputError.h"

namespace cxlrig {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelIdentity, name, source, abi, version, commit, config_hash, patches)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RowRecord, key, verdict, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SplatRecord, title, count, report)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RaceTally, runs, hits, median_first_hit_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CellRecord, key, kernel, topology, scenario, seed, command, kernel_id,
                                                status, exit_code, duration_s, started, reason, artifacts, reproduce,
                                                rows, splats, race)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NightRecord, id, started, finished, matrix, shard, expected_cells, cells)

std::string KernelIdentity::describe() const {
  std::string s = name + " (" + source;
  if (!abi.empty()) s += " " + abi;
  if (!version.empty()) s += " " + version;
  if (source == "built") s += ", commit " + (commit.empty() ? std::string("(not git)") : commit.substr(0, 12)) +
                              ", config " + config_hash;
  for (auto& p : patches) s += ", +" + p;
  return s + ")";
}

const RowRecord* CellRecord::row(const std::string& k) const {
  auto it = std::find_if(rows.begin(), rows.end(), [&](const RowRecord& r) { return r.key == k; });
  return it == rows.end() ? nullptr : &*it;
}

bool CellRecord::has_splat(const std::string& title) const {
  return std::any_of(splats.begin(), splats.end(), [&](const SplatRecord& s) { return s.title == title; });
}

nlohmann::json to_json(const NightRecord& n) {
  nlohmann::json j = n;
  j["schema"] = "cxlrig.night/1";
  return j;
}

NightRecord night_from_json(const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object() || j.value("schema", "") != "cxlrig.night/1")
    throw InputError(origin + ".schema", "not a cxlrig.night/1 file", "pass the --out dir of a `cxlrig nightly` run");
  try {
    NightRecord n = j.get<NightRecord>();
    for (size_t i = 0; i < n.cells.size(); ++i)
      if (n.cells[i].key.empty() || n.cells[i].status.empty())
        throw InputError(origin + ".cells[" + std::to_string(i) + "]", "has no key or status",
                         "pass an unmodified night.json");
    return n;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(origin, std::string("unreadable night record: ") + e.what(), "pass an unmodified night.json");
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace cxlrig
