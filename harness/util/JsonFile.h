// Reads a JSON input file; an unreadable or malformed file is an InputError naming it.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

nlohmann::json read_json_file(const std::string& path, const std::string& what, const std::string& fix);

}  // namespace cxlrig
