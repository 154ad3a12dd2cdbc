// A file mapped read-only (mmap), for reading a few structures of a large binary without
// copying it: a vmlinux's ELF headers and notes are a few pages of 13 MB or more, and on
// these VMs copying the whole file into memory cost about 50 ms of page faults.
#pragma once
#include <string>
#include <string_view>

namespace cxlrig {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // InfraError naming the path and the errno
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace cxlrig
