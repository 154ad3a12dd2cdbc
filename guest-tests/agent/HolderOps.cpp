// The cxlrig_holder test module's debugfs files (guest-tests/modules/cxlrig_holder): hold
// takes "MAJ:MIN" (daxX.Y/dev, which dax_dev_get() looks the dax_device up by), release
// lets go, events lists "offset len flags" per ->notify_failure and forgets them.
#include <sstream>

#include "Ops.h"
#include "Sysfs.h"

namespace agent {

bool holder_holds() { return exists(kHolderDir + "hold") && !read_attr(kHolderDir + "hold").empty(); }

std::vector<proto::HolderEvent> read_holder_events(uint64_t* dropped) {
  std::vector<proto::HolderEvent> out;
  std::istringstream in(read_attr(kHolderDir + "events"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string a, b, c;
    l >> a >> b >> c;
    if (a == "dropped") {
      if (dropped) *dropped += std::stoull(b);
    } else if (!c.empty()) {
      out.push_back({std::stoull(a, nullptr, 0), std::stoull(b, nullptr, 0), static_cast<int>(std::stoul(c, nullptr, 0))});
    }
  }
  return out;
}

void holder_take(const std::string& device) {
  if (!exists(kHolderDir + "hold"))
    throw StepError("no cxlrig_holder module (" + kHolderDir + ")", ENOENT, kHolderDir);
  if (device.empty()) {
    if (int e = write_attr_errno(kHolderDir + "release", "1")) throw StepError("cxlrig_holder release", e, kHolderDir + "release");
  } else {
    const std::string devt = read_attr("/sys/bus/dax/devices/" + device + "/dev");
    if (int e = write_attr_errno(kHolderDir + "hold", devt))
      throw StepError("cxlrig_holder could not hold " + device + " (" + devt + ")", e, kHolderDir + "hold");
  }
  read_holder_events();  // a new holding starts with no events
}

proto::Holder::Reply op_holder(const proto::Holder::Request& req) {
  holder_take(req.device);
  return {read_attr(kHolderDir + "hold")};
}

}  // namespace agent
