// sysfs/debugfs/tracefs access for the agent. Every failure carries errno, the path and the
// value written, so the host can say exactly which kernel interface refused what.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace agent {

class StepError : public std::runtime_error {
 public:
  StepError(std::string msg, int err = 0, std::string path = {}, std::string value = {})
      : std::runtime_error(std::move(msg)), err(err), path(std::move(path)), value(std::move(value)) {}
  int err;
  std::string path;
  std::string value;
};

std::string read_attr(const std::string& path);   // trimmed of trailing newline
uint64_t read_u64(const std::string& path);        // decimal or 0x-hex
// For attributes only some kernels or device kinds have.
uint64_t read_u64_or(const std::string& path, uint64_t absent);
void write_attr(const std::string& path, const std::string& value);
// For writes whose refusal is an observation (poison injection): the errno, 0 on success.
// A missing file still throws: that is a kernel without the interface, not a refusal.
int write_attr_errno(const std::string& path, const std::string& value);
bool exists(const std::string& path);
std::vector<std::string> list_dir(const std::string& path);  // names, sorted, no . or ..
std::string link_target_name(const std::string& link);        // basename of readlink, "" if none
std::string real_path(const std::string& path);
std::string hex(uint64_t v);
// Polls every step_ms until pred() holds or timeout_ms passes; devices probe
// asynchronously. An injection window polls faster: each of its steps is a default run's
// latency.
template <class F>
bool wait_for(F pred, int timeout_ms, int step_ms = 10);
void sleep_ms(int ms);

template <class F>
bool wait_for(F pred, int timeout_ms, int step_ms) {
  for (int waited = 0;; waited += step_ms) {
    if (pred()) return true;
    if (waited >= timeout_ms) return false;
    sleep_ms(step_ms);
  }
}

}  // namespace agent
