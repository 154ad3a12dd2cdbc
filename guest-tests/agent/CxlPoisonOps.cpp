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
  int inject_err = 0, clear_err = 0;
  if (args.value("inject", false)) {
    try {
      write_attr(dbg + "inject_poison", hex(dpa));
    } catch (const StepError& e) {
      if (e.err == ENOENT) throw;
      inject_err = e.err;
    }
  }
  // The window's kprobe events stay in the first read: memory_failure() must not appear.
  std::vector<std::string> listed = list_poison(memdev);
  try {
    write_attr(dbg + "clear_poison", hex(dpa));
  } catch (const StepError& e) {
    if (e.err == ENOENT) throw;
    clear_err = e.err;
  }
  trace_clear();
  std::vector<std::string> after = list_poison(memdev);
  json c = args.value("collect", json::object());
  c["wait_mf"] = false;
  json out = op_collect(c);
  out["trace"] = listed;
  out["after_clear"] = after;
  out["errno"] = inject_err;
  out["clear_errno"] = clear_err;
  return out;
}

}  // namespace agent
