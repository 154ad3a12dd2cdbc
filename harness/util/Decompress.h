// Whole streams in any codec libarchive reads (gzip, bzip2, lzma, xz, lzo, lz4, zstd, or
// none): compressed kernel modules, a bzImage's vmlinux payload. libarchive's raw format
// with every filter, so the codec is found by its magic, not named by the caller.
#pragma once
#include <string>
#include <string_view>

namespace cxlrig {

// The decompressed bytes; InfraError with libarchive's reason (and `what`) when they
// cannot be read or come out empty.
std::string decompress_bytes(std::string_view in, const std::string& what);
std::string decompress_file(const std::string& path, const std::string& what);

}  // namespace cxlrig
