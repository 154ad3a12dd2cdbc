#include "BootEntry.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "BzImage.h"
#include "Decompress.h"
#include "InputError.h"
#include "MappedFile.h"
#include "Sha256.h"
#include "TextFile.h"

namespace fs = std::filesystem;

namespace cxlrig {

BootMode parse_boot_mode(const std::string& s) {
  if (s == "auto") return BootMode::kAuto;
  if (s == "pvh") return BootMode::kPvh;
  if (s == "bzimage") return BootMode::kBzImage;
  throw InputError("--boot", "unknown boot entry \"" + s + "\"", "use auto, pvh or bzimage");
}

const char* to_string(BootMode m) {
  switch (m) {
    case BootMode::kPvh: return "pvh";
    case BootMode::kBzImage: return "bzimage";
    case BootMode::kAuto: break;
  }
  return "auto";
}

nlohmann::json BootEntry::to_json() const {
  nlohmann::json j{{"kernel", kernel}, {"entry", entry}};
  if (!why.empty()) j["why"] = why;
  return j;
}

namespace {

// The image's vmlinux as a PVH-enterable ELF, or "" with `why`.
std::string pvh_elf(const std::string& image_bytes, std::string* why) {
  auto p = bzimage_payload(image_bytes, why);
  if (!p) return {};
  std::string_view payload(image_bytes.data() + p->offset, p->length);
  std::string elf;
  try {
    elf = p->codec == PayloadCodec::kNone ? std::string(payload)
                                          : decompress_bytes(payload, std::string("the ") + to_string(p->codec) + " payload");
  } catch (const InfraError& e) {
    *why = e.what();
    return {};
  }
  if (!elf_pvh_entry(elf, why)) return {};
  return elf;
}

void keep_newest(const fs::path& dir, size_t keep) {
  std::vector<fs::directory_entry> files;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".elf" || e.path().extension() == ".no-pvh") files.push_back(e);
  if (files.size() <= keep) return;
  std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.last_write_time() > b.last_write_time(); });
  for (size_t i = keep; i < files.size(); ++i) fs::remove(files[i].path(), ec);
}

}  // namespace

BootEntry choose_boot_entry(const std::string& image, const std::string& cache_dir, BootMode mode) {
  // A vmlinux (what `cxlrig kernel build` delivers) is entered as it is, and only through
  // PVH: it has no boot sector or decompressor of its own.
  if (const MappedFile file(image); file.bytes().starts_with("\x7f" "ELF")) {
    if (mode == BootMode::kBzImage)
      throw InputError("--boot", image + " is a vmlinux (ELF), which QEMU can enter only through PVH",
                       "use --boot auto or pvh, or pass the bzImage (arch/x86/boot/bzImage)");
    std::string why;
    if (!elf_pvh_entry(file.bytes(), &why))
      throw InputError("--kernel-image", image + " cannot be booted: " + why,
                       "pass a bzImage, or a vmlinux built with CONFIG_PVH=y");
    return {image, "pvh", ""};
  }
  if (mode == BootMode::kBzImage) return {image, "bzimage", "--boot bzimage"};
  // Keyed by the image's path, size and mtime, so a run whose ELF is cached neither reads
  // nor hashes the image (Debian's is 14 MB); a kernel rebuilt in place gets a new key.
  std::error_code ec;
  const fs::path abs = fs::absolute(image, ec);
  const std::string key = abs.string() + " " + std::to_string(fs::file_size(abs, ec)) + " " +
                          std::to_string(fs::last_write_time(abs, ec).time_since_epoch().count());
  const fs::path dir = fs::path(cache_dir) / "pvh";
  const fs::path elf_path = dir / (sha256_string(key).substr(0, 24) + ".elf");
  // A kernel without the entry is remembered too (the reason, in .no-pvh), so it is not
  // decompressed again on every run.
  const fs::path no_pvh = fs::path(elf_path).replace_extension(".no-pvh");
  std::string why;
  if (fs::exists(elf_path, ec)) {
    fs::last_write_time(elf_path, fs::file_time_type::clock::now(), ec);  // keeps it among the newest
    return {elf_path.string(), "pvh", ""};
  }
  std::string elf;
  if (fs::exists(no_pvh, ec)) {
    why = read_text_file(no_pvh.string());
  } else {
    elf = pvh_elf(read_text_file(image), &why);
    if (elf.empty()) {
      fs::create_directories(dir);
      std::ofstream(no_pvh, std::ios::trunc) << why;
    }
  }
  if (elf.empty()) {
    if (mode == BootMode::kPvh)
      throw InputError("--boot", image + " cannot be entered through PVH: " + why,
                       "use --boot auto (falls back to the bzImage) or build the kernel with CONFIG_PVH=y");
    return {image, "bzimage", why};
  }
  fs::create_directories(dir);
  const fs::path tmp = elf_path.string() + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(elf.data(), std::streamsize(elf.size()));
    if (!out.flush()) throw InfraError("cannot write " + tmp.string());
  }
  fs::rename(tmp, elf_path);  // atomic: a concurrent run sees the whole file or none
  // Each is the size of an unpacked vmlinux (Debian's: 64 MB); a bisect makes one a step.
  keep_newest(dir, 12);
  return {elf_path.string(), "pvh", ""};
}

}  // namespace cxlrig
