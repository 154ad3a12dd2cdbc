// The topology as a transient libvirt domain. libvirt has no CXL model, so the CXL devices
// and `cxl=on` go through <qemu:commandline> (merged into libvirt's own -machine); the
// agent is a virtio-serial <channel>, the console a unix <serial>, and QMP is reached
// through libvirt itself (virDomainQemuMonitorCommand).
#pragma once
#include <string>

#include "QemuCommand.h"
#include "Topology.h"

namespace cxlrig {

struct LibvirtSockets {
  std::string console;  // unix socket libvirt's QEMU connects the serial port to
  std::string agent;    // unix socket for the agent's virtio-serial port
};

std::string libvirt_domain_xml(const Topology& t, const BootSpec& boot, const LibvirtSockets& s, Accel accel,
                               const std::string& name, const std::string& emulator);

}  // namespace cxlrig
