// A scripted guest for unit tests of the scenario kinds (ninja's FakeCommandRunner is the
// model): it answers the agent's ops and QMP commands from handlers, records every call in
// order, and by default behaves like a fixed 7.3.4 kernel's dax stack with its own small
// model (its arithmetic is written out here, not taken from the rig's RangeTable), so a
// kind runs end to end without a VM. A test replaces any op's handler to script a
// refusal, a malformed reply or a buggy kernel.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ConsoleScanner.h"
#include "Guest.h"
#include "RegionPlan.h"

namespace cxlrig::test {

class FakeGuest : public Guest {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& args)>;
  using QmpHandler = std::function<QmpMessage(const nlohmann::json& args)>;

  // The region the fake builds for `plan`: base and size as vmem-1's would be.
  explicit FakeGuest(const RegionPlan& plan, uint64_t region_base = 0x390000000ull);

  void on(const std::string& op, Handler h) { handlers_[op] = std::move(h); }
  void on_qmp(const std::string& cmd, QmpHandler h) { qmp_handlers_[cmd] = std::move(h); }

  // Calls in order: agent ops by name, QMP commands as "qmp:<command>".
  std::vector<std::string> calls;
  std::vector<nlohmann::json> call_args;
  size_t count(const std::string& call) const;

  // What the fake kernel offers (Info caps); tests switch entries off.
  std::map<std::string, bool> caps;
  std::string kernel = "7.3.4+deb13-amd64";
  // The old fsdev code: notify offset = P - ranges[0].start (dax/fsdev fix series, patch 2).
  bool fsdev_offset_from_first_range = false;
  // Debian's 7.3.4: mapping_store() takes a range on a bound device; a fault in the new range
  // (device_dax) or the unbind (fsdev_dax) then oopses. False: refused with EBUSY (the fix).
  bool mapping_while_bound_accepted = true;
  // Where the fake prints its Oopses (the run's console), if anyone watches.
  ConsoleScanner* console = nullptr;

  // Guest overrides.
  nlohmann::json wait_ready(Millis) override;
  nlohmann::json agent(const std::string& op, const nlohmann::json& args, Millis) override;
  QmpMessage qmp_reply(const std::string& execute, const nlohmann::json& args, Millis) override;
  const std::vector<QmpMessage>& qmp_events() override { return events_; }

  uint64_t region_base() const { return base_; }
  uint64_t region_size() const { return plan_.size; }

 private:
  struct Device {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;  // write order, inclusive ends
    std::string driver;
    uint64_t align = 4096;
    uint64_t map_base = 0;
    bool fixed = false;  // a static device (pmem namespace): no `mapping`, teardown keeps its range
    bool grown_while_bound = false;
    size_t pgmap_ranges = 0;  // the ranges the pgmap got at bind: pages of later ones have no struct page
  };
  std::vector<proto::HolderEvent> holder_events_;  // what the held device's holder was told
  std::string held_;                               // the device cxlrig_holder holds
  [[noreturn]] void oops(const std::string& function, const std::string& op);
  nlohmann::json info() const;
  nlohmann::json create_region(const nlohmann::json& args);
  nlohmann::json layout(const nlohmann::json& args);
  nlohmann::json inject(const nlohmann::json& args);
  nlohmann::json race(const nlohmann::json& args);
  static std::vector<proto::MappingReadback> readback(const Device& d, uint64_t& size);
  // The device and offset the fake kernel attributes to phys, if any.
  std::optional<std::pair<std::string, uint64_t>> owner(uint64_t phys) const;

  RegionPlan plan_;
  uint64_t base_;
  std::map<std::string, Handler> handlers_;
  std::map<std::string, QmpHandler> qmp_handlers_;
  std::map<std::string, Device> devices_;
  std::vector<QmpMessage> events_;
  int next_device_ = 1;
  uint64_t next_map_ = 0x7f0000000000ull;
};

}  // namespace cxlrig::test
