#include "QemuCommand.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace cxlrig;

namespace {
Topology vmem1() { return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/vmem-1.json"); }

bool has_pair(const std::vector<std::string>& a, const std::string& flag, const std::string& val) {
  for (size_t i = 0; i + 1 < a.size(); ++i)
    if (a[i] == flag && a[i + 1] == val) return true;
  return false;
}
}  // namespace

// The whole argv of every shipped topology is a golden file (TopologyGolden_test.cpp).

TEST(QemuCommand, CmdlineIsolatesTheLastCpuAndAppendsExtraArgs) {
  auto t = vmem1();
  auto c = kernel_cmdline(t, {"foo=1"});
  EXPECT_NE(c.find("isolcpus=1 nohz_full=1 rcu_nocbs=1 irqaffinity=0"), std::string::npos) << c;
  EXPECT_EQ(c.substr(c.size() - 6), " foo=1");  // the user's arguments win
  t.machine.cpus = 1;
  EXPECT_EQ(kernel_cmdline(t).find("isolcpus"), std::string::npos);
}

TEST(QemuCommand, KvmUsesHostCpu) {
  auto a = build_qemu_argv("q", vmem1(), {"/k", "/i", ""}, {"a", "b", "c"}, Accel::kKvm);
  EXPECT_TRUE(has_pair(a, "-accel", "kvm"));
  EXPECT_TRUE(has_pair(a, "-cpu", "host,hypervisor=off"));
}

TEST(QemuCommand, InterleavedWindowListsEveryTarget) {
  auto t = vmem1();
  t.host_bridges.push_back({"cxl.2", 20});
  t.windows[0].targets = {"cxl.1", "cxl.2"};
  t.windows[0].granularity = 4096;
  auto a = build_qemu_argv("q", t, {"/k", "/i", ""}, {"a", "b", "c"}, Accel::kTcg);
  EXPECT_TRUE(has_pair(a, "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.2,"
                                "cxl-fmw.0.size=8192M,cxl-fmw.0.interleave-granularity=4096"));
}

TEST(QemuCommand, ShellQuoteKeepsArgumentsIntact) {
  EXPECT_EQ(shell_quote({"qemu", "-append", "console=ttyS0 panic=-1", "it's"}),
            "qemu -append 'console=ttyS0 panic=-1' 'it'\\''s'");
}

TEST(QemuCommand, SwitchPersistentAndDynamicCapacityDevices) {
  auto load = [](const char* n) {
    return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/" + n + ".json");
  };
  auto sw = build_qemu_argv("q", load("switch-4"), {"/k", "/i", "", "/run"}, {"a", "b", "c"}, Accel::kTcg);
  EXPECT_TRUE(has_pair(sw, "-device", "cxl-upstream,bus=rp0,id=us0"));
  EXPECT_TRUE(has_pair(sw, "-device", "cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=7"));
  EXPECT_TRUE(has_pair(sw, "-device", "cxl-type3,bus=ds3,volatile-memdev=vmem3,id=cxl-vmem3,sn=0x4"));
  auto pm = build_qemu_argv("q", load("pmem-1"), {"/k", "/i", "", "/run"}, {"a", "b", "c"}, Accel::kTcg);
  EXPECT_TRUE(has_pair(pm, "-object", "memory-backend-file,id=pmem0,share=on,mem-path=/run/pmem0.mem,size=1024M"));
  EXPECT_TRUE(has_pair(pm, "-device", "cxl-type3,bus=rp0,persistent-memdev=pmem0,lsa=lsa0,id=cxl-pmem0,sn=0x1"));
  auto dc = build_qemu_argv("q", load("dcd-1"), {"/k", "/i", "", "/run"}, {"a", "b", "c"}, Accel::kTcg);
  EXPECT_TRUE(has_pair(dc, "-device",
                       "cxl-type3,bus=rp0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,num-dc-regions=2,id=cxl-dcd0,sn=0x1"));
}
