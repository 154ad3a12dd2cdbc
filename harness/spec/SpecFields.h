// The one set of field readers every input file uses (topologies, scenarios, the nightly
// matrix, known issues): each refuses what it cannot read with an InputError that names the
// field as a path from the file ("vmem-1.json.backends[0].size") and says how to fix it.
// Unknown keys are refused too: a typo must never fall back to a default.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "InputError.h"

namespace cxlrig {

std::string join(const std::set<std::string>& s, const std::string& sep = ", ");
std::string join(const std::vector<std::string>& v, const std::string& sep = ", ");

// `where` must be an object holding only `allowed` keys.
void only_keys(const nlohmann::json& o, const std::string& where, const std::set<std::string>& allowed);
const nlohmann::json& need(const nlohmann::json& o, const std::string& key, const std::string& where);
// A non-empty string.
std::string str(const nlohmann::json& o, const std::string& key, const std::string& where);
std::string str_or(const nlohmann::json& o, const std::string& key, const std::string& where, const std::string& dflt);
bool bool_or(const nlohmann::json& o, const std::string& key, const std::string& where, bool dflt);
unsigned uint_field(const nlohmann::json& o, const std::string& key, const std::string& where,
                    std::optional<unsigned> dflt = std::nullopt);
// A whole number from 1 to `max`.
unsigned positive(const nlohmann::json& v, const std::string& where, uint64_t max = 1000000);
std::vector<std::string> strings(const nlohmann::json& o, const std::string& key, const std::string& where);
// "512M", "4G", "0x1000" or a byte count; never negative, never overflowing.
uint64_t parse_size(const nlohmann::json& v, const std::string& field);
// A duration in seconds: a number or "90s", "5m".
double parse_seconds(const nlohmann::json& v, const std::string& field);

// A shipped file by name ("vmem-1" -> dir/vmem-1.json), or what looks like a path as it is.
std::string name_or_path(const std::string& name_or_path, const std::string& dir);

std::string index_path(const std::string& where, const std::string& key, size_t i);

// j[key] as a list, each element read by `each(element, "where.key[i]")`.
template <class T, class F>
std::vector<T> list(const nlohmann::json& j, const std::string& key, const std::string& where, F each, bool required) {
  std::vector<T> out;
  if (!j.contains(key)) {
    if (required) throw InputError(where + "." + key, "missing required list");
    return out;
  }
  const nlohmann::json& a = j.at(key);
  if (!a.is_array()) throw InputError(where + "." + key, "must be a list");
  for (size_t i = 0; i < a.size(); ++i) out.push_back(each(a[i], index_path(where, key, i)));
  return out;
}

}  // namespace cxlrig
