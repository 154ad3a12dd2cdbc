// The agent's operations: each takes the request's args and returns its result, or throws
// StepError. The host decides what to do; the agent does one kernel step at a time.
#pragma once
#include <nlohmann/json.hpp>

namespace agent {

using nlohmann::json;

json op_info(const json& args);
json op_load_modules(const json& args);
json op_cxl_create_region(const json& args);
json op_dax_create(const json& args);
json op_dax_layout(const json& args);
json op_dax_bind(const json& args);
json op_dax_mmap(const json& args);
json op_kprobes_arm(const json& args);
json op_inject(const json& args);
json op_observe_begin(const json& args);
json op_collect(const json& args);
json op_cxl_poison(const json& args);
json op_cxl_dcd_probe(const json& args);
json op_nd_devdax_create(const json& args);

// CXL lookups shared by the ops: memdevs are found by serial, never by probe-order name.
inline const std::string kCxlDevices = "/sys/bus/cxl/devices/";
std::string memdev_by_serial(uint64_t serial);  // "" until it appears
json op_dax_teardown(const json& args);
json op_dax_range_limit(const json& args);

// Trace/kmsg capture around one injection (TraceOps.cpp).
void trace_clear();
std::vector<std::string> trace_read();
void kmsg_open();
std::vector<std::string> kmsg_drain();

}  // namespace agent
