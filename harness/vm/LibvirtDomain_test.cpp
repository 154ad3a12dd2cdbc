#include "LibvirtDomain.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

using namespace cxlrig;

namespace {
Topology load(const std::string& n) { return load_topology_file(std::string(CXLRIG_DATA_DIR) + "/qemu-configs/" + n + ".json"); }
}  // namespace

TEST(LibvirtDomain, CarriesTheTopologyThroughQemuCommandline) {
  auto xml = libvirt_domain_xml(load("switch-4"), {"/k", "/i", "console=ttyS0", "/run"}, {"/s/con", "/s/agent"},
                                Accel::kTcg, "cxlrig-x", "/usr/bin/qemu-system-x86_64");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  auto dom = doc.child("domain");
  EXPECT_STREQ(dom.attribute("type").value(), "qemu");
  EXPECT_STREQ(dom.child("maxMemory").attribute("slots").value(), "4");
  EXPECT_STREQ(dom.child("os").child_value("kernel"), "/k");
  EXPECT_STREQ(dom.child("cpu").attribute("mode").value(), "maximum");
  EXPECT_STREQ(dom.child("cpu").child("feature").attribute("name").value(), "hypervisor");
  EXPECT_STREQ(dom.child("devices").child("channel").child("target").attribute("name").value(), kAgentPortName);
  EXPECT_STREQ(dom.child("devices").child("channel").child("source").attribute("path").value(), "/s/agent");
  EXPECT_STREQ(dom.child("seclabel").attribute("type").value(), "none");
  std::vector<std::string> args;
  for (auto a : dom.child("qemu:commandline").children("qemu:arg")) args.push_back(a.attribute("value").value());
  auto has = [&](const std::string& v) { return std::find(args.begin(), args.end(), v) != args.end(); };
  EXPECT_TRUE(has("cxl=on"));
  EXPECT_TRUE(has("max-x86_64-cpu.vendor=GenuineIntel"));
  EXPECT_TRUE(has("cxl-upstream,bus=rp0,id=us0"));
  EXPECT_TRUE(has("cxl-type3,bus=ds2,volatile-memdev=vmem2,id=cxl-vmem2,sn=0x3"));
  EXPECT_TRUE(has("cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=8192M"));
  // The direct backend's own sockets and -cpu never leak into the domain.
  EXPECT_FALSE(has("-cpu"));
  EXPECT_FALSE(has("-mon"));
}
