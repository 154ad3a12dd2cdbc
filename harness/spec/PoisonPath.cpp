#include "PoisonPath.h"

#include <sstream>

#include "InputError.h"

namespace cxlrig {

namespace {
// Flags from the 7.x sources: mm/madvise.c, mm/hwpoison-inject.c, drivers/base/memory.c,
// arch/x86/kernel/cpu/mce/core.c (uc_decode_notifier: 0; kill_me_maybe: MF_ACTION_REQUIRED,
// plus MF_MUST_KILL only when the MCE leaves RIPV clear, which ours never does).
const std::vector<PathTraits> kTraits = {
    {PoisonPath::kMadvise, kMfActionRequired | kMfCountIncreased | kMfSwSimulated, false, false, true, true,
     {"syscall:madvise", "mm:memory_failure"}},
    {PoisonPath::kCorruptPfn, kMfSwSimulated, false, false, false, true, {"debugfs:hwpoison"}},
    {PoisonPath::kHardOffline, kMfSwSimulated, false, false, false, true, {"mm:memory_failure"}},
    {PoisonPath::kMceAo, 0, true, false, false, false, {"cpu:mce", "mm:memory_failure"}},
    {PoisonPath::kMceAr, kMfActionRequired, true, false, false, true, {"cpu:mce", "mm:memory_failure", "cpu:isolated"}},
    {PoisonPath::kCxlQmp, std::nullopt, true, true, false, false, {"cxl:poison_trace", "cxl:poison_list"}},
    {PoisonPath::kCxlDebugfs, std::nullopt, false, true, false, false,
     {"cxl:poison_trace", "cxl:poison_list", "cxl:inject_poison"}},
};
}  // namespace

const PathTraits& traits(PoisonPath p) { return kTraits.at(static_cast<size_t>(p)); }
const char* to_string(PoisonPath p) { return proto::name_of(p); }

const std::vector<PoisonPath>& all_poison_paths() {
  static const std::vector<PoisonPath> all = [] {
    std::vector<PoisonPath> v;
    for (auto& t : kTraits) v.push_back(t.path);
    return v;
  }();
  return all;
}

PoisonPath poison_path_from(const std::string& s, const std::string& where) {
  if (auto p = proto::poison_path_named(s)) return *p;
  std::string names;
  for (auto& [_, n] : proto::kPoisonPathNames) names += (names.empty() ? "" : ", ") + std::string(n);
  throw InputError(where, "unknown poison path \"" + s + "\"", "use one of: " + names);
}

std::vector<PoisonPath> poison_paths_from_list(const std::string& list, const std::string& where) {
  if (list == "all") return all_poison_paths();
  std::vector<PoisonPath> out;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) throw InputError(where, "empty item in \"" + list + "\"", "write a comma-separated list, or all");
    auto p = poison_path_from(item, where);
    for (auto q : out)
      if (q == p) throw InputError(where, "\"" + item + "\" listed twice");
    out.push_back(p);
  }
  if (out.empty()) throw InputError(where, "no poison path given", "write a comma-separated list, or all");
  return out;
}

}  // namespace cxlrig
