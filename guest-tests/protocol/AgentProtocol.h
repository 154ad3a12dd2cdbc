// The one declared protocol between the host harness and the guest agent. Both binaries
// build from this header, so an op name, a field, a poison path or a capability key is
// spelled in exactly one place (libvirt's qemu_agent.c has one typed wrapper per command).
//
// JSON lines over the virtio-serial port kPortName:
//   host  -> guest: {"id": N, "op": "<Op::name>", "args": <Op::Request>}
//   guest -> host:  {"id": N, "ok": true, "result": <Op::Reply>}
//                   {"id": N, "ok": false, "error": <Error>}
//                   {"event": "ready", ...Info::Reply}   (once, unsolicited)
//
// Every field of every struct is required on the wire; an optional one is sent as null.
// A missing field or one of the wrong type is a protocol error on whichever side reads it,
// never a default: the host turns it into exit 2 ("malformed guest reply", naming the op
// and the field's JSON path, which JSON_DIAGNOSTICS puts in nlohmann's exceptions).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nlohmann {
// An optional field is present and null when it has no value.
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& o) {
    if (o) j = *o;
    else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& o) {
    if (j.is_null()) o.reset();
    else o = j.get<T>();
  }
};
}  // namespace nlohmann

namespace cxlrig::proto {

using nlohmann::json;

inline constexpr const char* kPortName = "org.cxlrig.agent";

// An op with no arguments or no result still sends an object.
struct Empty {};
inline void to_json(json& j, const Empty&) { j = json::object(); }
inline void from_json(const json& j, Empty&) {
  if (!j.is_object()) throw std::invalid_argument("expected an object, got " + j.dump());
}

// ---- the envelope -------------------------------------------------------------------

// A guest step that failed: what it was doing and which kernel interface said no.
struct Error {
  std::string msg;
  int err = 0;        // errno
  std::string path;   // the sysfs/debugfs file, if any
  std::string value;  // what was written, if anything
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Error, msg, err, path, value)

// The agent answers a request it cannot read with this errno, so the host can tell a
// protocol mismatch (exit 2) from a kernel that refused a step.
inline constexpr int kProtocolErrno = 71;  // EPROTO

// ---- poison paths -------------------------------------------------------------------

enum class PoisonPath {
  kMadvise,      // guest madvise(MADV_HWPOISON) on the mapping
  kCorruptPfn,   // guest debugfs hwpoison/corrupt-pfn
  kHardOffline,  // guest /sys/devices/system/memory/hard_offline_page
  kMceAo,        // host HMP `mce`, action optional (memory scrubbing, SRAO)
  kMceAr,        // host HMP `mce`, action required (data load, SRAR) on the pinned mapper's vCPU
  kCxlQmp,       // host QMP cxl-inject-poison on the type-3 device, by DPA
  kCxlDebugfs,   // guest debugfs cxl/memN/inject_poison, by DPA
};
inline constexpr std::pair<PoisonPath, const char*> kPoisonPathNames[] = {
    {PoisonPath::kMadvise, "madvise"},    {PoisonPath::kCorruptPfn, "corrupt_pfn"},
    {PoisonPath::kHardOffline, "hard_offline"}, {PoisonPath::kMceAo, "mce_ao"},
    {PoisonPath::kMceAr, "mce_ar"},       {PoisonPath::kCxlQmp, "cxl_qmp"},
    {PoisonPath::kCxlDebugfs, "cxl_debugfs"},
};
inline const char* name_of(PoisonPath p) {
  for (auto& [v, n] : kPoisonPathNames)
    if (v == p) return n;
  return "?";
}
inline std::optional<PoisonPath> poison_path_named(std::string_view s) {
  for (auto& [v, n] : kPoisonPathNames)
    if (s == n) return v;
  return std::nullopt;
}
inline void to_json(json& j, const PoisonPath& p) { j = name_of(p); }
inline void from_json(const json& j, PoisonPath& p) {
  auto v = poison_path_named(j.get<std::string>());
  if (!v) throw std::invalid_argument("unknown poison path " + j.dump());
  p = *v;
}

// ---- capabilities -------------------------------------------------------------------
// The closed list a scenario's `requires` is checked against at parse time. Each entry says
// how it is detected and, when missing, what the SKIP row says (naming the config option).
// The agent evaluates the probes that read the guest (paths, the boot log, a syscall); the
// host sets the kHost ones (kprobes it armed, what the region and the DCD probe found).

enum class Probe {
  kPathExists,    // arg exists
  kNonEmptyFile,  // arg exists and reads non-empty
  kKernelLog,     // arg appears in the boot log (klogctl)
  kSyscall,       // the syscall named by arg is implemented (not ENOSYS)
  kHost,          // decided by the host
};

struct Capability {
  const char* key;
  Probe probe;
  const char* arg;
  const char* missing;  // why a check needing it is SKIP
};

inline constexpr Capability kCapabilities[] = {
    {"driver:device_dax", Probe::kPathExists, "/sys/bus/dax/drivers/device_dax",
     "no device_dax driver: the kernel lacks CONFIG_DEV_DAX"},
    {"driver:fsdev_dax", Probe::kPathExists, "/sys/bus/dax/drivers/fsdev_dax",
     "no fsdev_dax driver: the kernel lacks CONFIG_DEV_DAX_FSDEV (Linux 7.x)"},
    {"cxl:bus", Probe::kPathExists, "/sys/bus/cxl/devices", "no CXL bus: the kernel lacks CONFIG_CXL_BUS"},
    {"trace:kprobe_events", Probe::kPathExists, "/sys/kernel/tracing/kprobe_events",
     "no tracefs kprobe_events: the kernel lacks CONFIG_KPROBE_EVENTS"},
    {"kprobe:dax_holder_notify_failure", Probe::kHost, "dax_holder_notify_failure",
     "the kprobe on dax_holder_notify_failure could not be armed (CONFIG_KPROBE_EVENTS, or the symbol is missing)"},
    {"kprobe:memory_failure", Probe::kHost, "memory_failure",
     "the kprobe on memory_failure could not be armed (CONFIG_KPROBE_EVENTS, CONFIG_MEMORY_FAILURE)"},
    {"kretprobe:memory_failure", Probe::kHost, "memory_failure",
     "the kretprobe on memory_failure could not be armed (CONFIG_KPROBE_EVENTS, CONFIG_MEMORY_FAILURE)"},
    {"mm:memory_failure", Probe::kPathExists, "/sys/devices/system/memory/hard_offline_page",
     "the kernel lacks CONFIG_MEMORY_FAILURE (with CONFIG_MEMORY_HOTPLUG)"},
    {"syscall:madvise", Probe::kSyscall, "madvise", "madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS"},
    {"debugfs:hwpoison", Probe::kPathExists, "/sys/kernel/debug/hwpoison/corrupt-pfn",
     "no debugfs hwpoison/corrupt-pfn: the kernel lacks CONFIG_HWPOISON_INJECT (needs CONFIG_DEBUG_KERNEL)"},
    {"cpu:mce", Probe::kPathExists, "/sys/devices/system/machinecheck/machinecheck0",
     "no machine-check handler: the kernel lacks CONFIG_X86_MCE"},
    {"cpu:isolated", Probe::kNonEmptyFile, "/sys/devices/system/cpu/isolated",
     "no isolated vCPU for the MCE AR consumer: needs CONFIG_CPU_ISOLATION and a topology with 2+ cpus"},
    {"cxl:poison_trace", Probe::kPathExists, "/sys/kernel/tracing/events/cxl/cxl_poison",
     "no cxl:cxl_poison trace event: the kernel lacks CONFIG_CXL_BUS trace events (CONFIG_TRACING)"},
    {"cxl:poison_list", Probe::kHost, "trigger_poison_list",
     "the region's memdevs have no trigger_poison_list: the kernel lacks CXL poison list support (CONFIG_CXL_MEM)"},
    {"cxl:inject_poison", Probe::kHost, "inject_poison",
     "the region's memdevs have no debugfs inject_poison: the kernel lacks CONFIG_DEBUG_FS or CXL poison injection"},
    {"cxl:dcd", Probe::kHost, "dynamic_ram_a",
     "the kernel has no Linux DCD support (no dynamic_ram_a partition, no extent devices)"},
    {"module:cxlrig_holder", Probe::kPathExists, "/sys/kernel/debug/cxlrig_holder",
     "no cxlrig_holder test module: only kernels built by `cxlrig kernel build` (CONFIG_MODULES) carry it"},
    {"kernel:kasan", Probe::kKernelLog, "KernelAddressSanitizer initialized",
     "not a KASAN kernel: needs CONFIG_KASAN (cxlrig kernel build --variant kasan)"},
    {"kernel:kcsan", Probe::kPathExists, "/sys/kernel/debug/kcsan",
     "not a KCSAN kernel: needs CONFIG_KCSAN (cxlrig kernel build --variant kcsan)"},
    {"kernel:lockdep", Probe::kPathExists, "/proc/lockdep",
     "not a lockdep kernel: needs CONFIG_PROVE_LOCKING (cxlrig kernel build --variant debug)"},
};

inline const Capability* find_capability(std::string_view key) {
  for (auto& c : kCapabilities)
    if (key == c.key) return &c;
  return nullptr;
}

// ---- ops ----------------------------------------------------------------------------
// Each op: its name, what the host sends, what the agent answers.

struct Info {
  static constexpr const char* name = "info";
  using Request = Empty;
  struct Reply {
    std::string kernel;                // uname -r
    std::string machine;               // uname -m
    std::map<std::string, bool> caps;  // every non-host kCapabilities key, probed
    int vcpus = 0;
    std::optional<int> isolated_cpu;   // the vCPU the MCE AR consumer spins on
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Info::Reply, kernel, machine, caps, vcpus, isolated_cpu)
inline constexpr const char* kReadyEvent = "ready";  // sent once with an Info::Reply

struct LoadModules {
  static constexpr const char* name = "load_modules";
  struct Request {
    std::vector<std::string> modules;  // names in /lib/modules of the initramfs, in load order
  };
  struct Reply {
    std::vector<std::string> loaded;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LoadModules::Request, modules)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LoadModules::Reply, loaded)

struct KprobesArm {
  static constexpr const char* name = "kprobes_arm";
  struct Probe {
    std::string event;
    std::string definition;  // the line written to kprobe_events
  };
  struct Failure {
    std::string event;
    int err = 0;
    std::string msg;
  };
  struct Request {
    std::vector<Probe> probes;
  };
  struct Reply {
    std::vector<std::string> armed;
    std::vector<Failure> failed;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KprobesArm::Probe, event, definition)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KprobesArm::Failure, event, err, msg)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KprobesArm::Request, probes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KprobesArm::Reply, armed, failed)

struct CxlCreateRegion {
  static constexpr const char* name = "cxl_create_region";
  struct Request {
    std::vector<uint64_t> serials;  // memdevs by serial, in interleave position order
    uint64_t granularity = 256;
    std::string mode = "ram";       // ram or pmem
    unsigned window = 0;            // root decoder decoder0.<window>
    uint64_t dpa_size = 0;          // per device
    std::optional<std::string> uuid;  // pmem regions are named by one
    int timeout_ms = 20000;
  };
  struct Target {
    std::string memdev;
    uint64_t serial = 0;
    unsigned position = 0;
    std::string endpoint, decoder;
    uint64_t dpa_resource = 0, dpa_size = 0;
    bool poison_list = false;    // memN/trigger_poison_list exists
    bool inject_poison = false;  // debugfs cxl/memN/inject_poison exists
  };
  struct Decoder {
    std::string name;
    std::string path;  // below root0, e.g. root0/port1/endpoint3/decoder3.0
    uint64_t interleave_ways = 0, interleave_granularity = 0, start = 0, size = 0;
    std::optional<std::string> target_list, mode;
    std::optional<uint64_t> dpa_size, dpa_resource;
  };
  struct Reply {
    std::string region, root_decoder, mode;
    uint64_t start = 0, size = 0, interleave_ways = 0, interleave_granularity = 0;
    std::vector<Target> targets;   // regionN/targetI, traced back to memdev serials
    std::vector<Decoder> decoders; // every decoder that claimed the region, and its root
    std::optional<std::string> dax_region;  // ram regions: the dax_region dax_cxl made
    std::optional<std::string> device;      // ... and its seed device
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlCreateRegion::Request, serials, granularity, mode, window, dpa_size, uuid, timeout_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlCreateRegion::Target, memdev, serial, position, endpoint, decoder, dpa_resource,
                                   dpa_size, poison_list, inject_poison)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlCreateRegion::Decoder, name, path, interleave_ways, interleave_granularity, start,
                                   size, target_list, mode, dpa_size, dpa_resource)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlCreateRegion::Reply, region, root_decoder, mode, start, size, interleave_ways,
                                   interleave_granularity, targets, decoders, dax_region, device)

struct DaxCreate {
  static constexpr const char* name = "dax_create";
  struct Request {
    std::string dax_region;  // sysfs path of the dax_region
  };
  struct Reply {
    std::string device;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxCreate::Request, dax_region)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxCreate::Reply, device)

struct Range {
  uint64_t start = 0;
  uint64_t end = 0;  // inclusive, as sysfs prints it
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Range, start, end)

struct MappingReadback {
  uint64_t start = 0, end = 0, page_offset = 0;  // daxX.Y/mappingN/{start,end,page_offset}
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MappingReadback, start, end, page_offset)

// Unbind and empty the device, write the ranges to `mapping` in order (mapping_store()
// appends, so write order defines page_offset), and read every mappingN back. No ranges:
// read a static device back as the kernel laid it out.
struct DaxLayout {
  static constexpr const char* name = "dax_layout";
  struct Request {
    std::string device;
    std::vector<Range> ranges;
    std::optional<uint64_t> align;  // written before the ranges
  };
  struct Reply {
    std::string device;
    uint64_t size = 0, align = 0;
    std::vector<MappingReadback> ranges;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxLayout::Request, device, ranges, align)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxLayout::Reply, device, size, align, ranges)

struct DaxBind {
  static constexpr const char* name = "dax_bind";
  struct Request {
    std::string device, driver;
  };
  using Reply = Request;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxBind::Request, device, driver)

// mmap the whole device and fault in the pages that will be poisoned, so memory_failure()
// finds this mapper.
struct DaxMmap {
  static constexpr const char* name = "dax_mmap";
  struct Request {
    std::string device;
    uint64_t size = 0;
    std::vector<uint64_t> touch;  // device offsets to store to
  };
  struct Reply {
    std::string device;
    uint64_t base = 0, size = 0;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxMmap::Request, device, size, touch)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxMmap::Reply, device, base, size)

struct DaxTeardown {
  static constexpr const char* name = "dax_teardown";
  struct Request {
    std::vector<std::string> devices;  // unmapped, unbound, emptied (size 0)
  };
  using Reply = Empty;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxTeardown::Request, devices)

// How many `granule` ranges will mapping_store() take on one device, and does it still bind?
struct DaxRangeLimit {
  static constexpr const char* name = "dax_range_limit";
  struct Request {
    std::string device;
    uint64_t granule = 0, start = 0, end = 0;
    std::optional<uint64_t> align;
    std::string driver;  // bound after the writes
    uint64_t max = 1u << 20;
  };
  struct Reply {
    uint64_t accepted = 0, listed = 0;
    int err = 0;             // errno of the refused write
    std::string stopped_by;  // end of region, mapping write refused, asked maximum
    int bind_err = 0;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxRangeLimit::Request, device, granule, start, end, align, driver, max)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxRangeLimit::Reply, accepted, listed, err, stopped_by, bind_err)

// Writes one attribute of a dax device whose refusal is the observation (a `mapping` or a
// `size` write while the device is bound: mapping_store() vs dev_dax_resize()), then reads
// the device back.
struct DaxWrite {
  static constexpr const char* name = "dax_write";
  struct Request {
    std::string device;
    std::string attr;   // mapping, size
    std::string value;  // as written to sysfs
  };
  struct Reply {
    int err = 0;         // errno of the write, 0 when the kernel took it
    uint64_t size = 0;   // daxX.Y/size afterwards
    std::string driver;  // bound driver afterwards, "" when none
    std::vector<MappingReadback> ranges;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxWrite::Request, device, attr, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DaxWrite::Reply, err, size, driver, ranges)

// ---- injection windows ---------------------------------------------------------------

struct Signal {
  int signo = 0, code = 0;
  uint64_t addr = 0;
  int addr_lsb = 0;
  bool consumer = false;  // caught by the MCE AR consumer thread
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Signal, signo, code, addr, addr_lsb, consumer)

// How a window closes: wait for a trace event (memory_failure()'s kretprobe, for a path
// that runs it later in a kworker), then for `signals` SIGBUS, then settle so a late or an
// extra signal is still seen. With `calls` (memory_failure()'s entry and return kprobe
// events), settling ends once every call the trace saw begin has returned and no SIGBUS is
// queued to the agent (agent/Quiet.h), and `settle_ms` is only its limit; without them it
// is a fixed `settle_ms`.
struct CollectArgs {
  std::optional<std::string> wait_event;
  int timeout_ms = 5000;
  int signals = 0;
  int settle_ms = 30;
  std::optional<std::vector<std::string>> calls;  // {entry event, return event}
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CollectArgs, wait_event, timeout_ms, signals, settle_ms, calls)

// What cxlrig_holder's ->notify_failure was told (debugfs cxlrig_holder/events): what a
// filesystem holding the fsdev device learns of poison, from dax_holder_notify_failure().
struct HolderEvent {
  uint64_t offset = 0;
  uint64_t len = 0;
  int flags = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HolderEvent, offset, len, flags)

// Everything the guest saw in one window, raw: the host parses it.
struct Observed {
  std::vector<std::string> trace;  // tracefs lines
  std::vector<std::string> kmsg;   // /dev/kmsg records
  std::vector<Signal> signals;
  bool event_seen = true;          // false: the wait for CollectArgs::wait_event timed out
  // cxlrig_holder's events in the window, when it holds a device (Holder); none otherwise.
  std::optional<std::vector<HolderEvent>> holder;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Observed, trace, kmsg, signals, event_seen, holder)

// cxlrig_holder (guest-tests/modules) takes a bound fsdev_dax device as a filesystem does
// (dax_dev_get() + fs_dax_get()), or lets go of the one it holds (device empty). While it
// holds one, every Collect carries what its ->notify_failure was told.
struct Holder {
  static constexpr const char* name = "holder";
  struct Request {
    std::string device;  // daxX.Y; "" releases
  };
  struct Reply {
    std::string devt;  // MAJ:MIN now held, "" after a release
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Holder::Request, device)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Holder::Reply, devt)

// Opens a window: clears the trace buffer, drains the kernel log, forgets caught signals,
// sets the mapper's PR_MCE_KILL policy and, for an MCE AR, starts the pinned consumer.
struct ObserveBegin {
  static constexpr const char* name = "observe_begin";
  struct Request {
    bool early_kill = false;
    std::optional<int> spin_cpu;
  };
  struct Reply {
    std::optional<int> spinning;  // the cpu the consumer spins on
    std::optional<int> tid;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ObserveBegin::Request, early_kill, spin_cpu)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ObserveBegin::Reply, spinning, tid)

struct Collect {
  static constexpr const char* name = "collect";
  using Request = CollectArgs;
  using Reply = Observed;
};

// A guest-side poison path, in one window.
struct Inject {
  static constexpr const char* name = "inject";
  struct Request {
    PoisonPath path = PoisonPath::kCorruptPfn;  // madvise, corrupt_pfn or hard_offline
    uint64_t phys = 0;
    std::string device;
    bool early_kill = false;
    std::optional<uint64_t> offset;  // madvise: where in the device's mapping
    CollectArgs collect;
  };
  struct Reply {
    int err = 0;  // errno of the injecting write or madvise, 0 on success
    Observed observed;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Inject::Request, path, phys, device, early_kill, offset, collect)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Inject::Reply, err, observed)

// CXL device poison by DPA: inject through debugfs (or find what the host injected over
// QMP), list the poison (trigger_poison_list -> cxl:cxl_poison), clear it, list again.
struct CxlPoison {
  static constexpr const char* name = "cxl_poison";
  struct Request {
    std::string memdev;
    uint64_t dpa = 0;
    bool inject = false;  // write debugfs inject_poison first
    CollectArgs collect;
  };
  struct Reply {
    int err = 0;        // errno of inject_poison
    int clear_err = 0;  // errno of clear_poison
    Observed observed;  // trace: the window's events and the first listing
    std::vector<std::string> after_clear;  // trace lines of the listing after clear_poison
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlPoison::Request, memdev, dpa, inject, collect)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlPoison::Reply, err, clear_err, observed, after_clear)

// ---- DCD and pmem ----------------------------------------------------------------------

struct CxlDcdProbe {
  static constexpr const char* name = "cxl_dcd_probe";
  struct Request {
    uint64_t serial = 0;
    int settle_ms = 500;  // time for a DCD-capable kernel to take the Add Capacity event
    int timeout_ms = 20000;
  };
  struct Extent {
    std::string name;
    uint64_t offset = 0, length = 0;
    std::string tag;
  };
  struct Reply {
    std::string memdev;
    bool supported = false;
    std::vector<std::string> partitions, evidence;
    std::vector<Extent> extents;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlDcdProbe::Request, serial, settle_ms, timeout_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlDcdProbe::Extent, name, offset, length, tag)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CxlDcdProbe::Reply, memdev, supported, partitions, evidence, extents)

// A pmem namespace in devdax mode on a CXL pmem region (what ndctl create-namespace -m
// devdax does): a static dax device whose range starts data_offset after the namespace.
struct NdDevdaxCreate {
  static constexpr const char* name = "nd_devdax_create";
  struct Request {
    std::string region;  // the CXL pmem region
    std::string namespace_uuid, dax_uuid;
    uint64_t align = 4096;
    std::string memmap = "pmem";
    int timeout_ms = 20000;
  };
  struct Reply {
    std::string nd_region, ns, nd_dax, device;
    uint64_t namespace_start = 0, namespace_size = 0, data_start = 0, align = 0, start = 0, end = 0;
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NdDevdaxCreate::Request, region, namespace_uuid, dax_uuid, align, memmap, timeout_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NdDevdaxCreate::Reply, nd_region, ns, nd_dax, device, namespace_start, namespace_size,
                                   data_start, align, start, end)

// ---- races --------------------------------------------------------------------------

// The actions a race stressor loops over, one guest action per iteration.
inline constexpr const char* kRaceActions[] = {
    "grow_mapping",  // write the next free range to a bound device's `mapping` (mapping_store)
    "poison",        // inject poison by a guest path into the next pfn of the device
    "fault",         // mmap the device (device_dax), store into every `align` page, munmap
    "bind_unbind",   // unbind the device's driver, bind it again
    "holder_churn",  // cxlrig_holder: fs_put_dax() then fs_dax_get() (release, hold)
};

// Stressors run at once, each a loop of one action on its own vCPU, until its iteration
// count or the duration is reached. An iteration's error is counted by errno name and the
// loop goes on: whether an errno is an expected outcome is the host's judgement.
struct RaceRun {
  static constexpr const char* name = "race_run";
  struct Stressor {
    std::string action;              // one of kRaceActions
    int cpu = 0;                     // pinned with sched_setaffinity
    uint64_t iterations = 0;         // 0: until the duration ends
    std::optional<PoisonPath> path;  // poison: corrupt_pfn or hard_offline
    std::vector<uint64_t> pfns;      // poison: cycled through in order
    std::vector<Range> grow;         // grow_mapping: free ranges, written in order
    bool reset = false;              // grow_mapping: out of ranges -> unbind, size 0, lay `base` out, rebind
    uint64_t fault_size = 0;         // fault: bytes of the device mapped and stored into
    uint64_t interval_ms = 0;        // pause after each iteration (spreads a grow's reallocations out)
  };
  struct Request {
    std::string device;
    std::string driver;        // bound when the race starts
    std::vector<Range> base;   // the device's ranges when the race starts (a reset restores them)
    uint64_t align = 0;
    uint64_t duration_ms = 0;
    std::vector<Stressor> stressors;
    bool hold = false;  // cxlrig_holder holds the device for the whole race (a holder_churn stressor holds it anyway)
  };
  struct Result {
    std::string action;
    int cpu = 0;
    uint64_t iterations = 0;                 // done, failed or not
    std::map<std::string, uint64_t> errors;  // errno name (EBUSY, SIGBUS) -> iterations that failed so
    std::string first_error;                 // the first failure, with the file written
    std::string stopped;                     // duration, iterations, out_of_ranges, setup_failed
    uint64_t elapsed_ms = 0;
    uint64_t first_ms = 0;                   // when its first iteration began, from the race's start
  };
  struct Reply {
    std::vector<Result> stressors;
    uint64_t elapsed_ms = 0;
    uint64_t size_after = 0;  // daxX.Y/size when the race ended
    std::string driver_after;
    bool holder_read = false;                // the holder held the device: its events below
    std::vector<HolderEvent> holder_events;  // every notify_failure during the race, in order
    uint64_t holder_dropped = 0;             // events the module's buffer had no room for
  };
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RaceRun::Stressor, action, cpu, iterations, path, pfns, grow, reset, fault_size,
                                   interval_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RaceRun::Request, device, driver, base, align, duration_ms, stressors, hold)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RaceRun::Result, action, cpu, iterations, errors, first_error, stopped, elapsed_ms,
                                   first_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RaceRun::Reply, stressors, elapsed_ms, size_after, driver_after, holder_read,
                                   holder_events, holder_dropped)

struct Shutdown {
  static constexpr const char* name = "shutdown";
  using Request = Empty;
  using Reply = Empty;
};

}  // namespace cxlrig::proto
