// What an x86 bzImage holds, read from its boot protocol header (Documentation/arch/x86/
// boot.rst): where the compressed vmlinux payload lies and how it is compressed, and
// whether that vmlinux, once decompressed, can be entered directly through PVH (the
// XEN_ELFNOTE_PHYS32_ENTRY note that CONFIG_PVH puts in vmlinux). Pure: bytes in, facts out.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxlrig {

enum class PayloadCodec { kGzip, kBzip2, kLzma, kXz, kLzo, kLz4, kZstd, kNone, kUnknown };
const char* to_string(PayloadCodec c);

struct BzImagePayload {
  uint64_t offset = 0;  // from the start of the file
  uint64_t length = 0;  // the compressed stream alone, without the size word kbuild appends
  PayloadCodec codec = PayloadCodec::kUnknown;
};

// The payload of a bzImage, or nullopt with `why` set when `image` is not one (no "HdrS",
// boot protocol older than 2.08, or a payload outside the file).
std::optional<BzImagePayload> bzimage_payload(std::string_view image, std::string* why);

// The 32-bit PVH entry point of an x86-64 ELF vmlinux, or nullopt with `why` set (not an
// ELF, truncated, or no PHYS32_ENTRY note: a kernel built without CONFIG_PVH).
std::optional<uint32_t> elf_pvh_entry(std::string_view elf, std::string* why);

}  // namespace cxlrig
