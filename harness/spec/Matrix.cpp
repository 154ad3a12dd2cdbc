#include "Matrix.h"

#include <filesystem>
#include <set>

#include "Glob.h"
#include "JsonFile.h"
#include "Scenario.h"
#include "SpecFields.h"
#include "Topology.h"

namespace cxlrig {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string from_base(const std::string& p, const std::string& base_dir) {
  return fs::path(p).is_absolute() ? p : (fs::path(base_dir) / p).lexically_normal().string();
}

// A bare patch name is one of images/patches/; anything with a slash is a path.
std::string patch_path(const std::string& p, const std::string& base_dir, const std::string& data_dir) {
  if (p.find('/') == std::string::npos) return data_dir + "/images/patches/" + p;
  return from_base(p, base_dir);
}

// Names go into cell keys, dir names and KCIDB ids: keep them to what all three can hold.
std::string name_field(const json& o, const std::string& key, const std::string& where) {
  const std::string n = str(o, key, where);
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      throw InputError(where + "." + key, "'" + n + "' holds '" + std::string(1, c) + "'",
                       "use letters, digits, '.', '-' and '_' only");
  return n;
}

MatrixKernel parse_kernel(const json& k, const std::string& w, const std::string& base_dir,
                          const std::string& data_dir) {
  only_keys(k, w, {"name", "packaged", "tree", "source", "image", "modules", "variant", "patches", "configs"});
  MatrixKernel mk;
  mk.name = name_field(k, "name", w);
  int kinds = 0;
  for (auto key : {"packaged", "tree", "source", "image"}) kinds += k.contains(key);
  if (kinds != 1)
    throw InputError(w, "needs exactly one of packaged, tree, source or image (has " + std::to_string(kinds) + ")",
                     "e.g. {\"name\": \"debian-7.3\", \"packaged\": \"7.3\"} or {\"name\": \"rig\", \"source\": \"7.3\"}");
  mk.packaged = str_or(k, "packaged", w, "");
  mk.source = str_or(k, "source", w, "");
  if (k.contains("tree")) {
    mk.tree = from_base(str(k, "tree", w), base_dir);
    if (!fs::exists(mk.tree + "/Makefile") || !fs::exists(mk.tree + "/arch/x86/Kconfig"))
      throw InputError(w + ".tree", "'" + mk.tree + "' is not a Linux source tree (no Makefile, arch/x86/Kconfig)",
                       "point it at a kernel checkout, or use \"source\": \"7.3\" for Debian's linux-source");
  }
  if (k.contains("image")) {
    mk.image = from_base(str(k, "image", w), base_dir);
    if (!fs::exists(mk.image)) throw InputError(w + ".image", "no file " + mk.image, "pass a bzImage, or a vmlinux with CONFIG_PVH");
  }
  if (k.contains("modules")) {
    if (mk.image.empty()) throw InputError(w + ".modules", "only applies with image", "drop it, or add \"image\"");
    mk.modules = from_base(str(k, "modules", w), base_dir);
    if (!fs::is_directory(mk.modules)) throw InputError(w + ".modules", "no dir " + mk.modules, "pass lib/modules/VERSION");
  }
  const bool built = !mk.tree.empty() || !mk.source.empty();
  for (auto key : {"variant", "patches", "configs"})
    if (k.contains(key) && !built)
      throw InputError(w + "." + key, "only applies to a kernel the rig builds (tree or source)", "drop it");
  mk.variant = str_or(k, "variant", w, "base");
  if (!fs::exists(data_dir + "/images/kconfig/" + mk.variant + ".config"))
    throw InputError(w + ".variant", "no variant '" + mk.variant + "'", "use base, debug, kasan or kcsan (images/kconfig/)");
  for (size_t i = 0; auto& p : strings(k, "patches", w)) {
    mk.patches.push_back(patch_path(p, base_dir, data_dir));
    if (!fs::exists(mk.patches.back()))
      throw InputError(index_path(w, "patches", i), "no patch " + mk.patches.back(),
                       "name one of images/patches/ or give a path");
    ++i;
  }
  for (size_t i = 0; auto& c : strings(k, "configs", w)) {
    mk.configs.push_back(from_base(c, base_dir));
    if (!fs::exists(mk.configs.back()))
      throw InputError(index_path(w, "configs", i), "no config fragment " + mk.configs.back(), "give a path");
    ++i;
  }
  return mk;
}

MatrixScenario parse_scenario_entry(const json& s, const std::string& w, const std::string& data_dir) {
  MatrixScenario ms;
  if (s.is_string()) {
    ms.name = s.get<std::string>();
  } else {
    only_keys(s, w, {"name", "topologies", "runs", "duration", "layouts"});
    ms.name = str(s, "name", w);
    if (s.contains("topologies")) {
      if (s["topologies"] == "scenario") ms.topologies = {"scenario"};
      else ms.topologies = strings(s, "topologies", w);
    }
    if (s.contains("runs")) ms.runs = positive(s["runs"], w + ".runs", 1000);
    if (s.contains("duration")) ms.duration_s = static_cast<unsigned>(parse_seconds(s["duration"], w + ".duration"));
    if (s.contains("layouts")) ms.layouts = positive(s["layouts"], w + ".layouts", 10000);
  }
  const std::string path = resolve_scenario_path(ms.name, data_dir);
  if (!fs::exists(path))
    throw InputError(w, "no scenario '" + ms.name + "'", "name one of guest-tests/scenarios/ (without .json)");
  Scenario sc;
  try {
    sc = load_scenario_file(path);
  } catch (const InputError& e) {
    throw InputError(w, std::string("scenario ") + ms.name + ": " + e.what());
  }
  if (ms.topologies == std::vector<std::string>{"scenario"}) ms.topologies = {sc.topology};
  ms.race = sc.kind == ScenarioKind::kRace;
  if (!ms.race && (ms.runs || ms.duration_s))
    throw InputError(w, "runs and duration apply to race scenarios only; " + ms.name + " is not one", "drop them");
  return ms;
}

void check_topology(const std::string& t, const std::string& where, const std::string& data_dir) {
  if (!fs::exists(resolve_topology_path(t, data_dir)))
    throw InputError(where, "no topology '" + t + "'", "name one of qemu-configs/ (cxlrig topo list)");
}

}  // namespace

Matrix parse_matrix(const json& j, const std::string& origin, const std::string& base_dir, const std::string& data_dir) {
  const std::string w = origin;
  only_keys(j, w, {"schema", "name", "kernels", "topologies", "scenarios", "seeds", "exclude", "known_issues",
                   "flaky_window", "cell_timeout"});
  if (str(j, "schema", w) != "cxlrig.matrix/1")
    throw InputError(w + ".schema", "must be \"cxlrig.matrix/1\", got " + j["schema"].dump());
  Matrix m;
  m.origin = origin;
  m.name = name_field(j, "name", w);
  m.kernels = list<MatrixKernel>(j, "kernels", w, [&](const json& k, const std::string& kw) {
    return parse_kernel(k, kw, base_dir, data_dir);
  }, true);
  if (m.kernels.empty()) throw InputError(w + ".kernels", "is empty", "list at least one kernel");
  std::set<std::string> names;
  for (size_t i = 0; i < m.kernels.size(); ++i)
    if (!names.insert(m.kernels[i].name).second)
      throw InputError(index_path(w, "kernels", i) + ".name", "'" + m.kernels[i].name + "' is used twice",
                       "give every kernel its own name: cells are keyed by it");
  m.topologies = strings(j, "topologies", w);
  for (size_t i = 0; i < m.topologies.size(); ++i) check_topology(m.topologies[i], index_path(w, "topologies", i), data_dir);
  m.scenarios = list<MatrixScenario>(j, "scenarios", w, [&](const json& s, const std::string& sw) {
    return parse_scenario_entry(s, sw, data_dir);
  }, true);
  if (m.scenarios.empty()) throw InputError(w + ".scenarios", "is empty", "list at least one scenario");
  for (size_t i = 0; i < m.scenarios.size(); ++i) {
    const std::string sw = index_path(w, "scenarios", i);
    if (m.scenarios[i].topologies.empty() && m.topologies.empty())
      throw InputError(sw, "has no topologies: neither it nor the matrix lists any",
                       "add \"topologies\" to the matrix, or \"topologies\": \"scenario\" here");
    for (auto& t : m.scenarios[i].topologies) check_topology(t, sw + ".topologies", data_dir);
  }
  if (j.contains("seeds")) {
    m.seeds = list<uint64_t>(j, "seeds", w, [](const json& s, const std::string& sw) {
      if (!s.is_number_integer() || s.get<int64_t>() < 0)
        throw InputError(sw, "must be a non-negative integer, got " + s.dump());
      return s.get<uint64_t>();
    }, true);
    if (m.seeds.empty()) throw InputError(w + ".seeds", "is empty", "drop it (seed 1) or list seeds");
  }
  m.exclude = list<MatrixExclusion>(j, "exclude", w, [&](const json& e, const std::string& ew) {
    only_keys(e, ew, {"kernel", "topology", "scenario", "seed", "reason"});
    MatrixExclusion x;
    x.kernel = str_or(e, "kernel", ew, "*");
    x.topology = str_or(e, "topology", ew, "*");
    x.scenario = str_or(e, "scenario", ew, "*");
    if (e.contains("seed")) x.seed = e["seed"].is_string() ? e["seed"].get<std::string>() : e["seed"].dump();
    x.reason = str(e, "reason", ew);
    return x;
  }, false);
  if (j.contains("known_issues")) {
    m.known_issues = from_base(str(j, "known_issues", w), base_dir);
    if (!fs::exists(m.known_issues))
      throw InputError(w + ".known_issues", "no file " + m.known_issues, "give the path of a known-issues file");
  }
  if (j.contains("flaky_window")) m.flaky_window = positive(j["flaky_window"], w + ".flaky_window", 100);
  if (j.contains("cell_timeout"))
    m.cell_timeout_s = static_cast<unsigned>(parse_seconds(j["cell_timeout"], w + ".cell_timeout"));
  if (expand_cells(m).empty())
    throw InputError(w + ".exclude", "leaves no cell to run", "exclude less");
  return m;
}

Matrix load_matrix_file(const std::string& path, const std::string& data_dir) {
  json j = read_json_file(path, "matrix file", "pass a cxlrig.matrix/1 JSON file (see ci/nightly.json)");
  return parse_matrix(j, fs::path(path).filename().string(), fs::absolute(path).parent_path().string(), data_dir);
}

std::string CellKey::str() const { return kernel + ":" + topology + ":" + scenario + ":" + std::to_string(seed); }

CellKey CellKey::parse(const std::string& key) {
  CellKey k;
  const auto a = key.find(':'), b = key.find(':', a + 1), c = key.rfind(':');
  if (a == std::string::npos || b == std::string::npos || c <= b) return {key, "", "", 0};
  k.kernel = key.substr(0, a);
  k.topology = key.substr(a + 1, b - a - 1);
  k.scenario = key.substr(b + 1, c - b - 1);
  k.seed = std::strtoull(key.c_str() + c + 1, nullptr, 10);
  return k;
}

std::string MatrixCell::dir_name() const {
  std::string d = key;
  for (char& c : d)
    if (c == ':') c = '_';
  return d;
}

namespace {

// One field of an exclusion against a cell's name ("!" negates; see MatrixExclusion).
bool exclusion_matches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern[0] == '!') return !glob_match(pattern.substr(1), name);
  return glob_match(pattern, name);
}

}  // namespace

std::vector<MatrixCell> expand_cells(const Matrix& m) {
  std::vector<MatrixCell> out;
  for (size_t k = 0; k < m.kernels.size(); ++k)
    for (auto& s : m.scenarios)
      for (auto& t : s.topologies.empty() ? m.topologies : s.topologies)
        for (uint64_t seed : m.seeds) {
          const std::string seed_s = std::to_string(seed);
          const bool excluded = std::any_of(m.exclude.begin(), m.exclude.end(), [&](const MatrixExclusion& x) {
            return exclusion_matches(x.kernel, m.kernels[k].name) && exclusion_matches(x.topology, t) &&
                   exclusion_matches(x.scenario, s.name) && exclusion_matches(x.seed, seed_s);
          });
          if (excluded) continue;
          MatrixCell c;
          c.key = CellKey{m.kernels[k].name, t, s.name, seed}.str();
          c.kernel = k;
          c.topology = t;
          c.scenario = s.name;
          c.seed = seed;
          c.spec = &s;
          out.push_back(c);
        }
  return out;
}

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto bad = [&] { return InputError("--shard", "'" + text + "' is not i/n with 1 <= i <= n", "e.g. --shard 2/4"); };
  if (slash == std::string::npos) throw bad();
  try {
    size_t a = 0, b = 0;
    const unsigned long i = std::stoul(text.substr(0, slash), &a);
    const unsigned long n = std::stoul(text.substr(slash + 1), &b);
    if (a != slash || b != text.size() - slash - 1 || i < 1 || n < 1 || i > n || n > 1000) throw bad();
    return {static_cast<unsigned>(i), static_cast<unsigned>(n)};
  } catch (const std::logic_error&) {
    throw bad();
  }
}

std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, unsigned i, unsigned n) {
  std::vector<MatrixCell> out;
  for (size_t c = 0; c < cells.size(); ++c)
    if (c % n == i - 1) out.push_back(cells[c]);
  return out;
}

}  // namespace cxlrig
