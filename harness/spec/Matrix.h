// The nightly matrix (ci/nightly.json): kernels x topologies x scenarios x seeds, less the
// exclusions, as data. Expanding it gives the night's cells, each one `cxlrig run` or
// `cxlrig race`, named by a stable key so that tonight's cell meets last night's in the
// history even when the kernel under a name moved (a new commit, a new patch).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

// One kernel of the matrix, by the name its cells carry. Exactly one of packaged, tree,
// source or image is set.
struct MatrixKernel {
  std::string name;
  std::string packaged;                 // a locked series, a version or an ABI (--kernel)
  std::string tree;                     // a kernel source tree (absolute after parsing)
  std::string source;                   // a series: Debian's linux-source-SERIES, unpacked by the rig
  std::string image;                    // a bzImage or vmlinux built elsewhere (--kernel-image)
  std::string modules;                  // its lib/modules dir (--modules)
  std::string variant = "base";         // tree/source: images/kconfig/<variant>.config
  std::vector<std::string> patches;     // tree/source: absolute paths
  std::vector<std::string> configs;     // tree/source: more fragments, absolute paths
  bool built() const { return !tree.empty() || !source.empty(); }
};

struct MatrixScenario {
  std::string name;
  std::vector<std::string> topologies;  // empty: the matrix's
  std::optional<unsigned> runs;         // race: --runs
  std::optional<unsigned> duration_s;   // race: --duration
  std::optional<unsigned> layouts;      // --layouts
  bool race = false;                    // a race scenario: its cells are `cxlrig race`
};

// A cell is left out when every field an exclusion names matches (shell globs). A field
// that starts with "!" matches what its glob does not: {"kernel": "k-kasan", "scenario":
// "!race-*"} keeps kernel k-kasan to the race scenarios. No name starts with "!".
struct MatrixExclusion {
  std::string kernel = "*", topology = "*", scenario = "*", seed = "*";
  std::string reason;
};

struct Matrix {
  std::string name;
  std::string origin;  // the file it came from
  std::vector<MatrixKernel> kernels;
  std::vector<std::string> topologies;
  std::vector<MatrixScenario> scenarios;
  std::vector<uint64_t> seeds = {1};
  std::vector<MatrixExclusion> exclude;
  std::string known_issues;             // absolute path, or empty
  unsigned flaky_window = 5;            // nights a row's flips are counted over
  unsigned cell_timeout_s = 3600;
};

// A cell's stable key, "kernel:topology:scenario:seed", and back (the names hold no ':').
struct CellKey {
  std::string kernel, topology, scenario;
  uint64_t seed = 0;
  std::string str() const;
  static CellKey parse(const std::string& key);  // a malformed key: all of it in `kernel`
};

struct MatrixCell {
  std::string key;      // kernel:topology:scenario:seed, stable from night to night
  size_t kernel = 0;    // index into Matrix::kernels
  std::string topology, scenario;
  uint64_t seed = 1;
  const MatrixScenario* spec = nullptr;
  std::string dir_name() const;  // the key with characters a path can hold
};

// Parses and checks the file; every error names the field ("nightly.json.kernels[1].tree").
// Relative paths are taken from the matrix file's dir; bare patch names from images/patches/.
// Scenario and topology names are checked to exist under data_dir.
Matrix parse_matrix(const nlohmann::json& j, const std::string& origin, const std::string& base_dir,
                    const std::string& data_dir);
Matrix load_matrix_file(const std::string& path, const std::string& data_dir);

// Every cell, in a fixed order (kernels, then scenarios, topologies, seeds), exclusions out.
std::vector<MatrixCell> expand_cells(const Matrix& m);

// "2/4" -> {2, 4}; shards count from 1. InputError naming --shard otherwise.
std::pair<unsigned, unsigned> parse_shard(const std::string& text);
// The cells of shard i of n: every n-th cell of the fixed order, from the i-th, so shards
// differ by one cell at most. The history is kept by cell key, so a cell that moves to
// another shard when the matrix grows still meets its last night.
std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, unsigned i, unsigned n);

}  // namespace cxlrig
