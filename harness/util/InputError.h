// Errors that carry the exit code the rig must end with (git bisect run's convention).
#pragma once
#include <stdexcept>
#include <string>

namespace cxlrig {

enum ExitCode : int {
  kExitPass = 0,
  kExitFail = 1,
  kExitUsage = 2,       // bad flag, bad file, bad kernel path, bad guest reply
  kExitInfra = 125,     // boot failure, timeout, missing download: not the bug under test
  kExitInterrupted = 130,
};

// Bad input from the user or the guest: names the field and how to fix it. Exit 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, std::string problem, std::string fix = {});
  const std::string& where() const { return where_; }
 private:
  std::string where_;
};

// The machinery failed (QEMU would not start, guest hung, mirror unreachable). Exit 125.
class InfraError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cxlrig
