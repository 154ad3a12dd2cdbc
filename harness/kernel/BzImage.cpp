#include "BzImage.h"

#include <cstring>

namespace cxlrig {

const char* to_string(PayloadCodec c) {
  switch (c) {
    case PayloadCodec::kGzip: return "gzip";
    case PayloadCodec::kBzip2: return "bzip2";
    case PayloadCodec::kLzma: return "lzma";
    case PayloadCodec::kXz: return "xz";
    case PayloadCodec::kLzo: return "lzo";
    case PayloadCodec::kLz4: return "lz4";
    case PayloadCodec::kZstd: return "zstd";
    case PayloadCodec::kNone: return "none";
    case PayloadCodec::kUnknown: break;
  }
  return "unknown";
}

namespace {

template <typename T>
T le(std::string_view b, size_t at) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= T(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

bool starts(std::string_view b, std::string_view magic) { return b.substr(0, magic.size()) == magic; }

// The magic numbers the kernel's own decompressors (lib/decompress.c's table) recognise,
// plus the ELF of CONFIG_KERNEL_UNCOMPRESSED.
PayloadCodec codec_of(std::string_view p) {
  using namespace std::literals;
  if (starts(p, "\x1f\x8b"sv) || starts(p, "\x1f\x9e"sv)) return PayloadCodec::kGzip;
  if (starts(p, "BZh"sv)) return PayloadCodec::kBzip2;
  if (starts(p, "\x5d\x00\x00"sv)) return PayloadCodec::kLzma;
  if (starts(p, "\xfd" "7zXZ\x00"sv)) return PayloadCodec::kXz;
  if (starts(p, "\x89LZO"sv)) return PayloadCodec::kLzo;
  if (starts(p, "\x02\x21\x4c\x18"sv)) return PayloadCodec::kLz4;
  if (starts(p, "\x28\xb5\x2f\xfd"sv)) return PayloadCodec::kZstd;
  if (starts(p, "\x7f" "ELF"sv)) return PayloadCodec::kNone;
  return PayloadCodec::kUnknown;
}

}  // namespace

std::optional<BzImagePayload> bzimage_payload(std::string_view b, std::string* why) {
  auto fail = [&](std::string w) -> std::optional<BzImagePayload> {
    if (why) *why = std::move(w);
    return std::nullopt;
  };
  if (b.size() < 0x270 || b.substr(0x202, 4) != "HdrS") return fail("not a bzImage (no \"HdrS\" boot header)");
  // payload_offset/payload_length came with boot protocol 2.08.
  const auto version = le<uint16_t>(b, 0x206);
  if (version < 0x208) return fail("boot protocol " + std::to_string(version >> 8) + "." + std::to_string(version & 0xff) +
                                   " is older than 2.08: no payload fields");
  unsigned setup_sects = static_cast<unsigned char>(b[0x1f1]);
  if (setup_sects == 0) setup_sects = 4;
  const uint64_t pm_start = uint64_t(setup_sects + 1) * 512;  // the protected-mode kernel
  BzImagePayload p;
  p.offset = pm_start + le<uint32_t>(b, 0x248);
  p.length = le<uint32_t>(b, 0x24c);
  if (p.length == 0 || p.offset + p.length > b.size()) return fail("payload lies outside the file");
  p.codec = codec_of(b.substr(p.offset, 8));
  if (p.codec == PayloadCodec::kUnknown) return fail("payload compression not recognised");
  // arch/x86/boot/compressed/Makefile: every codec but gzip is *_with_size, which appends
  // the decompressed size as a 4-byte word after the stream.
  if (p.codec != PayloadCodec::kGzip && p.codec != PayloadCodec::kNone) {
    if (p.length < 4) return fail("payload shorter than its size word");
    p.length -= 4;
  }
  return p;
}

std::optional<uint32_t> elf_pvh_entry(std::string_view e, std::string* why) {
  auto fail = [&](std::string w) -> std::optional<uint32_t> {
    if (why) *why = std::move(w);
    return std::nullopt;
  };
  if (e.size() < 64 || e.substr(0, 4) != "\x7f" "ELF") return fail("not an ELF file");
  if (e[4] != 2 || e[5] != 1) return fail("not a little-endian 64-bit ELF");
  const auto phoff = le<uint64_t>(e, 0x20);
  const auto phentsize = le<uint16_t>(e, 0x36);
  const auto phnum = le<uint16_t>(e, 0x38);
  if (phentsize < 56 || phoff + uint64_t(phentsize) * phnum > e.size()) return fail("program headers outside the file");
  std::optional<uint32_t> entry;
  for (unsigned i = 0; i < phnum; ++i) {
    const size_t ph = phoff + size_t(i) * phentsize;
    const auto type = le<uint32_t>(e, ph);
    const auto off = le<uint64_t>(e, ph + 8);
    const auto filesz = le<uint64_t>(e, ph + 32);
    // A segment the loader would read past the end: the file was cut short.
    if (off + filesz > e.size()) return fail("segment " + std::to_string(i) + " extends past the end of the file (truncated)");
    if (type != 4 /* PT_NOTE */) continue;
    for (uint64_t n = off; n + 12 <= off + filesz;) {
      const auto namesz = le<uint32_t>(e, n), descsz = le<uint32_t>(e, n + 4), ntype = le<uint32_t>(e, n + 8);
      const uint64_t name = n + 12, desc = name + ((namesz + 3) & ~3u);
      const uint64_t next = desc + ((descsz + 3) & ~3u);
      if (next > off + filesz) break;
      // include/xen/interface/elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY (18), emitted by
      // arch/x86/platform/pvh/head.S as a pointer-sized value; QEMU reads its low word.
      if (namesz == 4 && e.substr(name, 4) == std::string_view("Xen\0", 4) && ntype == 18 && descsz >= 4)
        entry = le<uint32_t>(e, desc);
      n = next;
    }
  }
  if (!entry) return fail("no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): built without CONFIG_PVH");
  return entry;
}

}  // namespace cxlrig
