#include "BootEntry.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <archive.h>
#include <archive_entry.h>

#include "BzImage.h"
#include "InputError.h"
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

// libarchive's raw format with every filter, as for compressed modules: the payload
// codecs the kernel uses (gzip, bzip2, lzma, xz, lzo, lz4, zstd) are all among them.
std::string decompress(std::string_view in, std::string* why) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  std::string out;
  archive_entry* e;
  if (archive_read_open_memory(a, in.data(), in.size()) == ARCHIVE_OK && archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::vector<char> buf(1 << 20);
    la_ssize_t n;
    while ((n = archive_read_data(a, buf.data(), buf.size())) > 0) out.append(buf.data(), n);
    if (n < 0) *why = std::string("decompressing the payload: ") + (archive_error_string(a) ? archive_error_string(a) : "?");
  } else {
    *why = std::string("cannot read the payload: ") + (archive_error_string(a) ? archive_error_string(a) : "?");
  }
  archive_read_free(a);
  return out;
}

// The image's vmlinux as a PVH-enterable ELF, or "" with `why`.
std::string pvh_elf(const std::string& image_bytes, std::string* why) {
  auto p = bzimage_payload(image_bytes, why);
  if (!p) return {};
  std::string_view payload(image_bytes.data() + p->offset, p->length);
  std::string elf = p->codec == PayloadCodec::kNone ? std::string(payload) : decompress(payload, why);
  if (elf.empty() || !why->empty()) {
    if (why->empty()) *why = std::string("the ") + to_string(p->codec) + " payload decompressed to nothing";
    return {};
  }
  if (!elf_pvh_entry(elf, why)) return {};
  return elf;
}

void keep_newest(const fs::path& dir, size_t keep) {
  std::vector<fs::directory_entry> files;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".elf") files.push_back(e);
  if (files.size() <= keep) return;
  std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.last_write_time() > b.last_write_time(); });
  for (size_t i = keep; i < files.size(); ++i) fs::remove(files[i].path(), ec);
}

}  // namespace

BootEntry choose_boot_entry(const std::string& image, const std::string& cache_dir, BootMode mode) {
  if (mode == BootMode::kBzImage) return {image, "bzimage", "--boot bzimage"};
  const std::string bytes = read_text_file(image);
  const fs::path dir = fs::path(cache_dir) / "pvh";
  const fs::path elf_path = dir / (sha256_string(bytes).substr(0, 24) + ".elf");
  std::error_code ec;
  if (fs::exists(elf_path, ec)) {
    fs::last_write_time(elf_path, fs::file_time_type::clock::now(), ec);  // keeps it among the newest
    return {elf_path.string(), "pvh", ""};
  }
  std::string why;
  const std::string elf = pvh_elf(bytes, &why);
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
