#include "LibvirtDomain.h"

#include <sstream>

#include <pugixml.hpp>

namespace cxlrig {

std::string libvirt_domain_xml(const Topology& t, const BootSpec& boot, const LibvirtSockets& s, Accel accel,
                               const std::string& name, const std::string& emulator) {
  pugi::xml_document doc;
  auto dom = doc.append_child("domain");
  dom.append_attribute("type") = accel == Accel::kKvm ? "kvm" : "qemu";
  dom.append_attribute("xmlns:qemu") = "http://libvirt.org/schemas/domain/qemu/1.0";
  dom.append_child("name").text() = name.c_str();
  auto mib = [](uint64_t b) { return std::to_string(b >> 20); };
  auto mem = dom.append_child("memory");
  mem.append_attribute("unit") = "MiB";
  mem.text() = mib(t.machine.memory).c_str();
  // maxmem/slots: CXL windows and hotplugged dax memory live above the boot RAM.
  auto maxm = dom.append_child("maxMemory");
  maxm.append_attribute("slots") = t.machine.slots;
  maxm.append_attribute("unit") = "MiB";
  maxm.text() = mib(t.machine.maxmem).c_str();
  dom.append_child("vcpu").text() = t.machine.cpus;

  auto os = dom.append_child("os");
  auto type = os.append_child("type");
  type.append_attribute("arch") = "x86_64";
  type.append_attribute("machine") = "q35";
  type.text() = "hvm";
  os.append_child("kernel").text() = boot.kernel.c_str();
  os.append_child("initrd").text() = boot.initrd.c_str();
  os.append_child("cmdline").text() = boot.cmdline.c_str();
  dom.append_child("features").append_child("acpi");

  // TCG: libvirt's "maximum" CPU is QEMU's max; hypervisor=off as in the direct backend.
  // vendor/family/model cannot be set in this mode: they go in as -global below.
  auto cpu = dom.append_child("cpu");
  if (accel == Accel::kKvm) {
    cpu.append_attribute("mode") = "host-passthrough";
  } else {
    cpu.append_attribute("mode") = "maximum";
  }
  auto disable = [&](const char* name) {
    auto f = cpu.append_child("feature");
    f.append_attribute("policy") = "disable";
    f.append_attribute("name") = name;
  };
  disable("hypervisor");
  if (accel != Accel::kKvm)
    for (auto f : kTcgCpuFeaturesOff) disable(f);
  // libvirt wants a NUMA node whenever maxMemory is set.
  auto cell = cpu.append_child("numa").append_child("cell");
  cell.append_attribute("id") = 0;
  cell.append_attribute("cpus") = ("0-" + std::to_string(t.machine.cpus - 1)).c_str();
  cell.append_attribute("memory") = mib(t.machine.memory).c_str();
  cell.append_attribute("unit") = "MiB";

  for (auto ev : {"on_poweroff", "on_reboot", "on_crash"}) dom.append_child(ev).text() = "destroy";

  auto devs = dom.append_child("devices");
  devs.append_child("emulator").text() = emulator.c_str();
  auto serial = devs.append_child("serial");
  serial.append_attribute("type") = "unix";
  auto ss = serial.append_child("source");
  ss.append_attribute("mode") = "connect";
  ss.append_attribute("path") = s.console.c_str();
  serial.append_child("target").append_attribute("port") = 0;
  auto vser = devs.append_child("controller");
  vser.append_attribute("type") = "virtio-serial";
  vser.append_attribute("index") = 0;
  auto ch = devs.append_child("channel");
  ch.append_attribute("type") = "unix";
  auto cs = ch.append_child("source");
  cs.append_attribute("mode") = "connect";
  cs.append_attribute("path") = s.agent.c_str();
  auto ct = ch.append_child("target");
  ct.append_attribute("type") = "virtio";
  ct.append_attribute("name") = proto::kPortName;
  devs.append_child("memballoon").append_attribute("model") = "none";
  // libvirt must not relabel or chown the kernel, initrd and sockets the rig owns.
  auto sec = dom.append_child("seclabel");
  sec.append_attribute("type") = "none";
  sec.append_attribute("model") = "dac";

  auto cmd = dom.append_child("qemu:commandline");
  auto arg = [&](const std::string& v) { cmd.append_child("qemu:arg").append_attribute("value") = v.c_str(); };
  arg("-machine");
  arg("cxl=on");
  if (accel == Accel::kTcg)
    for (auto g : {"vendor=GenuineIntel", "family=6", "model=85", "stepping=4"}) {
      arg("-global");
      arg(std::string("max-x86_64-cpu.") + g);
    }
  for (auto& a : cxl_topology_args(t, boot.scratch_dir)) arg(a);

  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

}  // namespace cxlrig
