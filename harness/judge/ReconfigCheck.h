// Judges a reconfiguration of a bound device. A `mapping` write must be refused with EBUSY,
// as a `size` write is: dev_dax_resize() checks dev->driver, but mapping_store() ->
// alloc_dev_dax_range() (drivers/dax/bus.c, Linux 7.3) does not. When the kernel takes the
// write anyway, what the device then does (a fault in the new range, poison in it, the
// unbind) is judged too, and a splat it provokes is the evidence, named in the row.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "AgentProtocol.h"
#include "CheckRow.h"
#include "SplatParser.h"

namespace cxlrig {

inline constexpr int kEbusy = 16;

// `before_size`: daxX.Y/size before the write.
CheckRow judge_write_refused(const std::string& key, const std::string& device, const std::string& driver,
                             const std::string& attr, const std::string& value, uint64_t before_size,
                             const proto::DaxWrite::Reply& reply);

// A step after an accepted write: `error` is why it did not complete (the guest oopsed, the
// agent refused), `splats` what the console said meanwhile. PASS only when it completed and
// the kernel said nothing.
CheckRow judge_consequence(const std::string& key, const std::string& device, const std::string& driver,
                           const std::string& step, const std::optional<std::string>& error,
                           const std::vector<SplatReport>& splats);

// The consequences that do not run, because the write was refused as it must be.
CheckRow consequence_skipped(const std::string& key, const std::string& device, const std::string& driver,
                             const std::string& step);

}  // namespace cxlrig
