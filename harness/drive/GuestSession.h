// A booted guest made ready for any scenario kind: the agent's ready event, the modules,
// what the kernel offers (the agent's probes of the capability table, then the kprobes the
// host arms), and the topology's CXL region built and checked against its plan.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "Capabilities.h"
#include "Guest.h"
#include "HdmDecoder.h"
#include "ScenarioOptions.h"
#include "ScenarioOutcome.h"
#include "Topology.h"

namespace cxlrig {

struct RegionFacts {
  std::string name;         // regionN, as the kernel named it
  std::string dax_region;   // ram regions: the dax_region's sysfs path
  std::string seed_device;  // ram regions: the device dax_cxl made with the region
  RegionGeometry geometry;
  struct Target {
    std::string memdev, type3_id;
    uint64_t dpa_base = 0;
  };
  std::vector<Target> targets;  // by position

  // Where device poison for a page goes (HDM decode of the region).
  std::optional<DpaTarget> dpa_of(uint64_t phys) const;
};

struct SessionFacts {
  std::string kernel_release;
  CapabilitySet caps;
  int vcpus = 1;
  std::optional<int> isolated_cpu;  // the MCE AR consumer's vCPU
  RegionFacts region;
};

class GuestSession {
 public:
  GuestSession(Guest& guest, const Topology& topo, const ScenarioOptions& o, ScenarioOutcome& out)
      : guest_(guest), topo_(topo), o_(o), out_(out) {}
  // Boots and probes; the region row lands in `out` with the rest.
  SessionFacts start();
  // Asks the guest whether the kernel takes dynamic capacity (kernel info).
  void probe_dcd(SessionFacts& facts);

 private:
  void probe_capabilities(SessionFacts& f);
  void create_region(SessionFacts& f);

  Guest& guest_;
  const Topology& topo_;
  const ScenarioOptions& o_;
  ScenarioOutcome& out_;
};

// Every capability (and the run's facts) into results.json's `capabilities`.
void publish_capabilities(const SessionFacts& f, ScenarioOutcome& out);

}  // namespace cxlrig
