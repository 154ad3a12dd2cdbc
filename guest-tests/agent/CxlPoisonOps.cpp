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

proto::CxlPoison::Reply op_cxl_poison(const proto::CxlPoison::Request& req) {
  const std::string dbg = "/sys/kernel/debug/cxl/" + req.memdev + "/";
  enable_poison_event();
  proto::CxlPoison::Reply out;
  out.err = req.inject ? write_attr_errno(dbg + "inject_poison", hex(req.dpa)) : 0;
  // The window's kprobe events stay in the first read: memory_failure() must not appear.
  std::vector<std::string> listed = list_poison(req.memdev);
  out.clear_err = write_attr_errno(dbg + "clear_poison", hex(req.dpa));
  trace_clear();
  out.after_clear = list_poison(req.memdev);
  out.observed = op_collect(req.collect);
  out.observed.trace = listed;
  return out;
}

}  // namespace agent
