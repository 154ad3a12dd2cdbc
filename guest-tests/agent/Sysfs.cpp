#include "Sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace agent {

std::string read_attr(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StepError("cannot open for reading", errno, path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw StepError("read failed", e, path);
    }
    if (n == 0) break;
    out.append(buf, n);
  }
  ::close(fd);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

uint64_t read_u64(const std::string& path) {
  std::string s = read_attr(path);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = strtoull(s.c_str(), &end, 0);
  if (errno || end == s.c_str()) throw StepError("not a number: \"" + s + "\"", EINVAL, path);
  return v;
}

void write_attr(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw StepError("cannot open for writing", errno, path, value);
  ssize_t n = ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n < 0) throw StepError("write failed", e, path, value);
  if (static_cast<size_t>(n) != value.size()) throw StepError("short write", EIO, path, value);
}

int write_attr_errno(const std::string& path, const std::string& value) {
  try {
    write_attr(path, value);
    return 0;
  } catch (const StepError& e) {
    if (e.err == ENOENT) throw;
    return e.err;
  }
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

uint64_t read_u64_or(const std::string& path, uint64_t absent) { return exists(path) ? read_u64(path) : absent; }

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(path.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) out.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string link_target_name(const std::string& link) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string s(buf, n);
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) throw StepError("cannot resolve path", errno, path);
  return buf;
}

std::string hex(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
  return b;
}

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

}  // namespace agent
