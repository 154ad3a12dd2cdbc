// Shell glob matching (fnmatch(3), no flags): the one reading of the patterns in matrix
// exclusions, known issues and a race's `expect` titles.
#pragma once
#include <string>

namespace cxlrig {

bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace cxlrig
