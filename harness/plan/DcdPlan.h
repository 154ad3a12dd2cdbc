// Dynamic capacity (DCD) as the scenario asks for it: the extents to add over QMP, checked
// against the topology's DC region, and the same extents as a layout on the volatile
// region for kernels that cannot take DC extents (no Linux DCD support up to 7.3).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "DcdSpec.h"
#include "LayoutGenerator.h"
#include "Topology.h"

namespace cxlrig {

// Bytes in each DC region of the device: QEMU splits the DC backend evenly.
uint64_t dc_region_size(const Topology& t, const Type3Device& d);

// Throws InputError naming `dcd.*` when the extents do not fit the device's DC region or,
// for the fallback, the volatile region of `volatile_size` bytes.
void check_dcd_fits(const DcdSpec& s, const Topology& t, const Type3Device& d, uint64_t volatile_size);

// QMP arguments for cxl-add-dynamic-capacity / cxl-release-dynamic-capacity.
nlohmann::json dcd_add_args(const DcdSpec& s, const std::string& qom_path);
nlohmann::json dcd_release_args(const DcdSpec& s, const std::string& qom_path, const std::vector<DcdExtent>& extents);

// A DC range no extent touches, for the "release what was never added" probe.
DcdExtent dcd_unused_block(const DcdSpec& s, uint64_t dc_region_bytes);

// The extents laid out at the same offsets inside the volatile region, written in the
// order the scenario lists them.
Layout extent_layout(const DcdSpec& s, RegionSpan region);

}  // namespace cxlrig
