// How the guest kernel is entered. Under TCG the bzImage's own decompressor is slow
// (measured: 2.4 s of Debian 7.3.4's 10.7 s boot to unpack its 14 MB zstd payload), so
// when the vmlinux inside has a PVH entry note (CONFIG_PVH, which Debian's kernels and the
// rig's base config have) the rig decompresses it once on the host and gives QEMU that ELF:
// QEMU's PVH loader jumps straight to pvh_start_xen. The kernel then runs at its link
// address (no KASLR: the decompressor is what randomises it) and is otherwise the same.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

enum class BootMode { kAuto, kPvh, kBzImage };
BootMode parse_boot_mode(const std::string& s);  // "auto", "pvh", "bzimage"; InputError("--boot")
const char* to_string(BootMode m);

struct BootEntry {
  std::string kernel;  // the file for QEMU's -kernel (libvirt's <kernel>)
  std::string entry;   // "pvh" or "bzimage"
  std::string why;     // why the bzImage was used when PVH was possible in principle
  nlohmann::json to_json() const;
};

// An ELF image (a vmlinux) is entered through PVH as it is, or refused with an InputError
// naming the reason (no PVH note; --boot bzimage). A bzImage's ELF is cached as
// <cache_dir>/pvh/<sha256 of the image's path, size, mtime>.elf (written atomically, the
// newest few kept), and an image without the entry as .no-pvh.
// kPvh on an image that cannot be entered that way is an InputError on --boot naming the
// reason; kAuto falls back to the bzImage and says why.
BootEntry choose_boot_entry(const std::string& image, const std::string& cache_dir, BootMode mode);

}  // namespace cxlrig
