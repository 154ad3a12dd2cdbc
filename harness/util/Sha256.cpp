#include "Sha256.h"

#include <openssl/evp.h>

#include <fstream>

#include "InputError.h"

namespace cxlrig {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr); }
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Sha256& Sha256::update(std::string_view d) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), d.data(), d.size());
  return *this;
}

Sha256& Sha256::update_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InfraError("cannot read " + path);
  std::string buf(1 << 20, '\0');
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) update(std::string_view(buf.data(), in.gcount()));
  return *this;
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += digits[md[i] >> 4];
    s += digits[md[i] & 15];
  }
  return s;
}

std::string sha256_file(const std::string& path) { return Sha256().update_file(path).hex(); }
std::string sha256_string(std::string_view d) { return Sha256().update(d).hex(); }

}  // namespace cxlrig
