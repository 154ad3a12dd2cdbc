#include "InputError.h"

namespace cxlrig {

static std::string compose(const std::string& where, const std::string& problem,
                           const std::string& fix) {
  std::string s = where + ": " + problem;
  if (!fix.empty()) s += " (fix: " + fix + ")";
  return s;
}

InputError::InputError(std::string where, std::string problem, std::string fix)
    : std::runtime_error(compose(where, problem, fix)), where_(std::move(where)) {}

}  // namespace cxlrig
