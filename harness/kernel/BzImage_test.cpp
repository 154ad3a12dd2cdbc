#include "BzImage.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "BootEntry.h"
#include "InputError.h"

using namespace cxlrig;
namespace fs = std::filesystem;

namespace {

void put32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char(v >> (8 * i));
}
void put16(std::string& b, size_t at, uint16_t v) {
  b[at] = char(v);
  b[at + 1] = char(v >> 8);
}
void put64(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = char(v >> (8 * i));
}

// A 64-bit ELF with one PT_NOTE segment holding `notes`, and a PT_LOAD of `load` bytes.
std::string elf_with_notes(const std::string& notes, uint64_t load = 64) {
  std::string e(64 + 2 * 56, '\0');
  e.replace(0, 4, "\x7f" "ELF");
  e[4] = 2;  // ELFCLASS64
  e[5] = 1;  // little-endian
  put64(e, 0x20, 64);  // e_phoff
  put16(e, 0x36, 56);  // e_phentsize
  put16(e, 0x38, 2);   // e_phnum
  const uint64_t notes_at = e.size();
  e += notes;
  put32(e, 64, 4);  // PT_NOTE
  put64(e, 64 + 8, notes_at);
  put64(e, 64 + 32, notes.size());
  put32(e, 64 + 56, 1);  // PT_LOAD
  put64(e, 64 + 56 + 8, e.size());
  put64(e, 64 + 56 + 32, load);
  e += std::string(load, 'x');
  return e;
}

std::string note(const std::string& name, uint32_t type, const std::string& desc) {
  std::string n(12, '\0');
  put32(n, 0, uint32_t(name.size() + 1));
  put32(n, 4, uint32_t(desc.size()));
  put32(n, 8, type);
  n += name + '\0';
  n.resize((n.size() + 3) & ~size_t(3), '\0');
  n += desc;
  n.resize((n.size() + 3) & ~size_t(3), '\0');
  return n;
}

// As arch/x86/platform/pvh/head.S emits it on x86-64: a pointer-sized physical address.
const std::string kPvhNote = note("Xen", 18, std::string("\x00\x31\xaf\x03\x00\x00\x00\x00", 8));

// A bzImage: setup sectors, the "HdrS" header at 0x202 with protocol 2.15, and `payload`
// (plus `trailer`, kbuild's size word) in the protected-mode part.
std::string bzimage(const std::string& payload, const std::string& trailer = "") {
  const unsigned setup_sects = 3;
  std::string b((setup_sects + 1) * 512, '\0');
  b[0x1f1] = char(setup_sects);
  b.replace(0x202, 4, "HdrS");
  put16(b, 0x206, 0x20f);
  const uint32_t payload_offset = 0x2cc;
  put32(b, 0x248, payload_offset);
  put32(b, 0x24c, uint32_t(payload.size() + trailer.size()));
  b += std::string(payload_offset, 's');
  b += payload + trailer;
  return b;
}

// The InputError choose_boot_entry() refuses `img` with in `mode`; a test failure (and an
// empty error) when it boots it instead.
InputError refusal(const std::string& img, const std::string& cache, BootMode mode) {
  try {
    const auto b = choose_boot_entry(img, cache, mode);
    ADD_FAILURE() << img << " must be refused, was entered as " << b.entry;
  } catch (const InputError& e) {
    return e;
  }
  return InputError("", "");
}

}  // namespace

TEST(BzImage, FindsTheZstdPayloadWithoutItsSizeWord) {
  const std::string zstd = std::string("\x28\xb5\x2f\xfd", 4) + "compressed";
  const std::string img = bzimage(zstd, "SIZE");
  std::string why;
  auto p = bzimage_payload(img, &why);
  ASSERT_TRUE(p) << why;
  EXPECT_EQ(p->codec, PayloadCodec::kZstd);
  EXPECT_EQ(img.substr(p->offset, p->length), zstd);  // the size word is not part of the stream
}

TEST(BzImage, GzipPayloadKeepsItsWholeLength) {
  const std::string gz = std::string("\x1f\x8b\x08\x00", 4) + "deflate";
  auto p = bzimage_payload(bzimage(gz), nullptr);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->codec, PayloadCodec::kGzip);
  EXPECT_EQ(p->length, gz.size());
}

TEST(BzImage, RefusesWhatIsNotABzImage) {
  std::string why;
  EXPECT_FALSE(bzimage_payload(std::string(4096, '\0'), &why));
  EXPECT_NE(why.find("HdrS"), std::string::npos) << why;
  std::string old = bzimage("\x28\xb5\x2f\xfdxx", "SIZE");
  put16(old, 0x206, 0x206);
  EXPECT_FALSE(bzimage_payload(old, &why));
  EXPECT_NE(why.find("older than 2.08"), std::string::npos) << why;
  std::string cut = bzimage("\x28\xb5\x2f\xfdxx", "SIZE");
  cut.resize(cut.size() - 3);
  EXPECT_FALSE(bzimage_payload(cut, &why));
  EXPECT_NE(why.find("outside the file"), std::string::npos) << why;
  EXPECT_FALSE(bzimage_payload(bzimage("????????"), &why));
  EXPECT_NE(why.find("not recognised"), std::string::npos) << why;
}

TEST(BzImage, ReadsThePvhEntryNoteAmongOthers) {
  const std::string notes = note("Linux", 6, "7.3.4") + note("Xen", 6, "linux") + kPvhNote;
  std::string why;
  auto entry = elf_pvh_entry(elf_with_notes(notes), &why);
  ASSERT_TRUE(entry) << why;
  EXPECT_EQ(*entry, 0x03af3100u);
}

TEST(BzImage, NoPvhNoteOrACutElfIsSaid) {
  std::string why;
  EXPECT_FALSE(elf_pvh_entry(elf_with_notes(note("Xen", 6, "linux")), &why));
  EXPECT_NE(why.find("CONFIG_PVH"), std::string::npos) << why;
  std::string cut = elf_with_notes(kPvhNote, 4096);
  cut.resize(cut.size() - 100);
  EXPECT_FALSE(elf_pvh_entry(cut, &why));
  EXPECT_NE(why.find("truncated"), std::string::npos) << why;
  EXPECT_FALSE(elf_pvh_entry("MZ not an elf, long enough to have a header of sixty-four bytes...", &why));
  EXPECT_NE(why.find("not an ELF"), std::string::npos) << why;
}

namespace {
struct TempDir {
  fs::path p = fs::temp_directory_path() / ("cxlrig-bootentry-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(p); }
  ~TempDir() { fs::remove_all(p); }
};
std::string write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}
}  // namespace

TEST(BootEntry, EntersThroughPvhAndCachesTheElf) {
  TempDir t;
  // CONFIG_KERNEL_UNCOMPRESSED: the payload is the ELF itself, so no codec is involved.
  const std::string elf = elf_with_notes(kPvhNote);
  const std::string img = write(t.p / "bzImage", bzimage(elf));
  auto b = choose_boot_entry(img, (t.p / "cache").string(), BootMode::kAuto);
  EXPECT_EQ(b.entry, "pvh");
  EXPECT_EQ(b.kernel.rfind((t.p / "cache" / "pvh").string(), 0), 0u) << b.kernel;
  std::ifstream in(b.kernel, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), elf);
  EXPECT_EQ(choose_boot_entry(img, (t.p / "cache").string(), BootMode::kPvh).kernel, b.kernel);  // cached
}

TEST(BootEntry, FallsBackToTheBzImageOrRefusesPvhWhenAsked) {
  TempDir t;
  const std::string img = write(t.p / "bzImage", bzimage(elf_with_notes(note("Xen", 6, "linux"))));
  auto b = choose_boot_entry(img, (t.p / "cache").string(), BootMode::kAuto);
  EXPECT_EQ(b.entry, "bzimage");
  EXPECT_EQ(b.kernel, img);
  EXPECT_NE(b.why.find("CONFIG_PVH"), std::string::npos) << b.why;
  const auto no_note = refusal(img, (t.p / "cache").string(), BootMode::kPvh);  // --boot pvh without the note
  EXPECT_EQ(no_note.where(), "--boot");
  EXPECT_NE(std::string(no_note.what()).find("CONFIG_PVH=y"), std::string::npos) << no_note.what();
  EXPECT_EQ(choose_boot_entry(img, (t.p / "cache").string(), BootMode::kBzImage).entry, "bzimage");
  EXPECT_THROW(parse_boot_mode("elf"), InputError);
}

// What `cxlrig kernel build` delivers: a vmlinux is entered as it is, with nothing cached.
TEST(BootEntry, AVmlinuxIsEnteredThroughPvhAsItIs) {
  TempDir t;
  const std::string img = write(t.p / "vmlinux", elf_with_notes(kPvhNote));
  for (auto mode : {BootMode::kAuto, BootMode::kPvh}) {
    auto b = choose_boot_entry(img, (t.p / "cache").string(), mode);
    EXPECT_EQ(b.entry, "pvh");
    EXPECT_EQ(b.kernel, img);
  }
  EXPECT_FALSE(fs::exists(t.p / "cache"));
}

TEST(BootEntry, AVmlinuxWithoutPvhOrAskedForAsABzImageIsRefused) {
  TempDir t;
  const std::string img = write(t.p / "vmlinux", elf_with_notes(kPvhNote));
  const auto as_bzimage = refusal(img, (t.p / "cache").string(), BootMode::kBzImage);
  EXPECT_EQ(as_bzimage.where(), "--boot");
  EXPECT_NE(std::string(as_bzimage.what()).find("arch/x86/boot/bzImage"), std::string::npos) << as_bzimage.what();
  const std::string no_pvh = write(t.p / "vmlinux-no-pvh", elf_with_notes(note("Xen", 6, "linux")));
  const auto no_note = refusal(no_pvh, (t.p / "cache").string(), BootMode::kAuto);
  EXPECT_EQ(no_note.where(), "--kernel-image");
  EXPECT_NE(std::string(no_note.what()).find("CONFIG_PVH"), std::string::npos) << no_note.what();
}
