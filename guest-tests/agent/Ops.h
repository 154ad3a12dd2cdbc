// The agent's operations, one per protocol op (AgentProtocol.h): each takes the op's
// Request and returns its Reply, or throws StepError. The host decides what to do; the
// agent does one kernel step at a time.
#pragma once
#include <string>
#include <vector>

#include "AgentProtocol.h"

namespace agent {

namespace proto = cxlrig::proto;
using nlohmann::json;

proto::Info::Reply op_info(const proto::Empty&);
proto::LoadModules::Reply op_load_modules(const proto::LoadModules::Request&);
proto::KprobesArm::Reply op_kprobes_arm(const proto::KprobesArm::Request&);
proto::CxlCreateRegion::Reply op_cxl_create_region(const proto::CxlCreateRegion::Request&);
proto::DaxCreate::Reply op_dax_create(const proto::DaxCreate::Request&);
proto::DaxLayout::Reply op_dax_layout(const proto::DaxLayout::Request&);
proto::DaxBind::Reply op_dax_bind(const proto::DaxBind::Request&);
proto::DaxMmap::Reply op_dax_mmap(const proto::DaxMmap::Request&);
proto::Empty op_dax_teardown(const proto::DaxTeardown::Request&);
proto::DaxWrite::Reply op_dax_write(const proto::DaxWrite::Request&);
proto::DaxRangeLimit::Reply op_dax_range_limit(const proto::DaxRangeLimit::Request&);
proto::ObserveBegin::Reply op_observe_begin(const proto::ObserveBegin::Request&);
proto::Observed op_collect(const proto::CollectArgs&);
proto::Inject::Reply op_inject(const proto::Inject::Request&);
proto::CxlPoison::Reply op_cxl_poison(const proto::CxlPoison::Request&);
proto::CxlDcdProbe::Reply op_cxl_dcd_probe(const proto::CxlDcdProbe::Request&);
proto::NdDevdaxCreate::Reply op_nd_devdax_create(const proto::NdDevdaxCreate::Request&);
proto::RaceRun::Reply op_race_run(const proto::RaceRun::Request&);
proto::Holder::Reply op_holder(const proto::Holder::Request&);

// cxlrig_holder (HolderOps.cpp): whether it holds a device now, and the events its
// ->notify_failure recorded since the last read (the read forgets them).
inline const std::string kHolderDir = "/sys/kernel/debug/cxlrig_holder/";
bool holder_holds();
// Holds `device` (daxX.Y), or lets go with "", and forgets earlier events; throws StepError.
void holder_take(const std::string& device);
std::vector<proto::HolderEvent> read_holder_events(uint64_t* dropped = nullptr);

// CXL lookups shared by the ops: memdevs are found by serial, never by probe-order name.
inline const std::string kCxlDevices = "/sys/bus/cxl/devices/";
std::string memdev_by_serial(uint64_t serial);  // "" until it appears

// The two guest paths that are one sysfs/debugfs write (PoisonOps.cpp): corrupt_pfn takes
// the pfn, hard_offline the physical address. Returns the write's errno, 0 when taken.
int write_guest_poison(proto::PoisonPath path, uint64_t phys);

// Trace/kmsg capture around one injection (TraceOps.cpp).
void trace_clear();
// The window's events so far (valid until the next trace_read() or trace_clear()).
const std::vector<std::string>& trace_read();
void kmsg_open();
std::vector<std::string> kmsg_drain();

}  // namespace agent
