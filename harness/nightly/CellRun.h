// One cell of the night: `cxlrig run` (or `cxlrig race`) as a child of the nightly, with
// its own artifacts dir, its output in cxlrig.log there, and a time limit. The child is an
// ordinary run: its artifacts, reproduce line and exit code are what a developer gets by
// hand, and a hang or a panic in it costs one cell, never the night.
#pragma once
#include <string>
#include <vector>

#include "Matrix.h"
#include "NightKernels.h"
#include "NightRecord.h"

namespace cxlrig {

struct CellRunOptions {
  std::string cxlrig;                 // the binary (this one)
  std::string out_dir;                // the cell's artifacts dir
  unsigned timeout_s = 3600;
  std::vector<std::string> extra;     // flags every cell gets (--cache, --accel)
};

// The argv of the cell's child.
std::vector<std::string> cell_argv(const MatrixCell& cell, const NightKernel& kernel, const CellRunOptions& o);

// The cell's record before it runs: its names, its kernel's identity, its artifacts dir.
CellRecord cell_record(const MatrixCell& cell, const NightKernel& kernel, const std::string& out_dir);

// Runs it (or, when the kernel could not be had, records why) and reads what it left.
CellRecord run_cell(const MatrixCell& cell, const NightKernel& kernel, const CellRunOptions& o);

}  // namespace cxlrig
