// CXL device poison by DPA: inject through debugfs (or find what the host injected over
// QMP), read the memdev's poison list back through trigger_poison_list and the
// cxl:cxl_poison trace event, then clear it and read the list again.
#include <cerrno>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {
namespace {

const std::string kTrace = "/sys/kernel/tracing/";

void enable_poison_event() {
  static bool done = false;
  if (done) return;
  write_attr(kTrace + "events/cxl/cxl_poison/enable", "1");
  done = true;
}

std::vector<std::string> list_poison(const std::string& memdev) {
  write_attr("/sys/bus/cxl/devices/" + memdev + "/trigger_poison_list", "1");
  return trace_read();
}

}  // namespace

json op_cxl_poison(const json& args) {
  const std::string memdev = args.at("memdev").get<std::string>();
  const uint64_t dpa = args.at("dpa").get<uint64_t>();
  const std::string dbg = "/sys/kernel/debug/cxl/" + memdev + "/";
  enable_poison_event();
  const int inject_err = args.value("inject", false) ? write_attr_errno(dbg + "inject_poison", hex(dpa)) : 0;
  // The window's kprobe events stay in the first read: memory_failure() must not appear.
  std::vector<std::string> listed = list_poison(memdev);
  const int clear_err = write_attr_errno(dbg + "clear_poison", hex(dpa));
  trace_clear();
  std::vector<std::string> after = list_poison(memdev);
  json out = op_collect(args.value("collect", json::object()));
  out["trace"] = listed;
  out["after_clear"] = after;
  out["errno"] = inject_err;
  out["clear_errno"] = clear_err;
  return out;
}

}  // namespace agent
