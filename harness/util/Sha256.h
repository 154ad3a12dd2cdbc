// SHA-256 of files and strings (OpenSSL), for .deb verification and content-hash caches.
#pragma once
#include <string>
#include <string_view>

namespace cxlrig {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& update(std::string_view data);
  Sha256& update_file(const std::string& path);  // throws InfraError if unreadable
  std::string hex();  // finishes the digest
 private:
  void* ctx_;
};

std::string sha256_file(const std::string& path);
std::string sha256_string(std::string_view data);

}  // namespace cxlrig
