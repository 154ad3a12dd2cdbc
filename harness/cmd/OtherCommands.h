// The small subcommands: `cxlrig topo list|show` and `cxlrig kernels update|list|available`.
#pragma once
#include <string>

namespace cxlrig {

int topo_list_command();
// The QEMU command line, or with libvirt_xml the libvirt domain XML, of a topology.
int topo_show_command(const std::string& name, bool libvirt_xml);
int kernels_update_command(const std::string& cache_dir);
int kernels_list_command();
// Every packaged kernel on the mirror's suites, oldest first (bounds for bisect --packaged).
int kernels_available_command(const std::string& cache_dir);

}  // namespace cxlrig
