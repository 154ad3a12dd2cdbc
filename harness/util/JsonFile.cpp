#include "JsonFile.h"

#include <fstream>

#include "InputError.h"

namespace cxlrig {

nlohmann::json read_json_file(const std::string& path, const std::string& what, const std::string& fix) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot read " + what, fix);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, std::string("malformed JSON: ") + e.what());
  }
}

}  // namespace cxlrig
