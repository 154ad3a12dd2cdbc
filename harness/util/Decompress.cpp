#include "Decompress.h"

#include <archive.h>
#include <archive_entry.h>

#include <functional>
#include <vector>

#include "InputError.h"

namespace cxlrig {

namespace {

std::string decompress(const std::function<int(archive*)>& open, const std::string& what) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  auto reason = [&] { return std::string(archive_error_string(a) ? archive_error_string(a) : "?"); };
  std::string out, err;
  archive_entry* e;
  if (open(a) != ARCHIVE_OK) {
    err = "cannot open " + what + ": " + reason();
  } else if (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::vector<char> buf(1 << 20);
    la_ssize_t n;
    while ((n = archive_read_data(a, buf.data(), buf.size())) > 0) out.append(buf.data(), n);
    if (n < 0) err = "cannot decompress " + what + ": " + reason();
  }
  archive_read_free(a);
  if (err.empty() && out.empty()) err = "cannot decompress " + what + ": nothing came out";
  if (!err.empty()) throw InfraError(err);
  return out;
}

}  // namespace

std::string decompress_bytes(std::string_view in, const std::string& what) {
  return decompress([&](archive* a) { return archive_read_open_memory(a, in.data(), in.size()); }, what);
}

std::string decompress_file(const std::string& path, const std::string& what) {
  return decompress([&](archive* a) { return archive_read_open_filename(a, path.c_str(), 1 << 16); }, what);
}

}  // namespace cxlrig
