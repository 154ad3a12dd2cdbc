#include "SpecFields.h"

#include <cctype>
#include <cmath>

namespace cxlrig {

using nlohmann::json;

std::string join(const std::set<std::string>& s, const std::string& sep) {
  std::string out;
  for (auto& x : s) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string name_or_path(const std::string& n, const std::string& dir) {
  if (n.find('/') != std::string::npos || n.ends_with(".json")) return n;
  return dir + "/" + n + ".json";
}

std::string index_path(const std::string& where, const std::string& key, size_t i) {
  return where + "." + key + "[" + std::to_string(i) + "]";
}

void only_keys(const json& o, const std::string& where, const std::set<std::string>& allowed) {
  if (!o.is_object()) throw InputError(where, "must be a JSON object");
  for (auto& [k, _] : o.items())
    if (!allowed.count(k)) throw InputError(where + "." + k, "unknown field", "use one of: " + join(allowed));
}

const json& need(const json& o, const std::string& key, const std::string& where) {
  if (!o.contains(key)) throw InputError(where + "." + key, "missing required field");
  return o.at(key);
}

std::string str(const json& o, const std::string& key, const std::string& where) {
  const json& v = need(o, key, where);
  if (!v.is_string() || v.get<std::string>().empty()) throw InputError(where + "." + key, "must be a non-empty string");
  return v.get<std::string>();
}

std::string str_or(const json& o, const std::string& key, const std::string& where, const std::string& dflt) {
  return o.contains(key) ? str(o, key, where) : dflt;
}

bool bool_or(const json& o, const std::string& key, const std::string& where, bool dflt) {
  if (!o.contains(key)) return dflt;
  if (!o.at(key).is_boolean()) throw InputError(where + "." + key, "must be true or false, got " + o.at(key).dump());
  return o.at(key).get<bool>();
}

unsigned uint_field(const json& o, const std::string& key, const std::string& where, std::optional<unsigned> dflt) {
  if (!o.contains(key)) {
    if (dflt) return *dflt;
    throw InputError(where + "." + key, "missing required field");
  }
  const json& v = o.at(key);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > 0xffffffffull)
    throw InputError(where + "." + key, "must be a non-negative integer, got " + v.dump());
  return v.get<unsigned>();
}

unsigned positive(const json& v, const std::string& where, uint64_t max) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 || v.get<uint64_t>() > max)
    throw InputError(where, "must be a whole number from 1 to " + std::to_string(max) + ", got " + v.dump());
  return v.get<unsigned>();
}

std::vector<std::string> strings(const json& o, const std::string& key, const std::string& where) {
  return list<std::string>(o, key, where, [](const json& x, const std::string& w) {
    if (!x.is_string()) throw InputError(w, "must be a string, got " + x.dump());
    return x.get<std::string>();
  }, false);
}

uint64_t parse_size(const json& v, const std::string& field) {
  const std::string fix = "write e.g. \"512M\", \"4G\", \"0x1000\" or a byte count";
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number()) throw InputError(field, "a size cannot be negative or fractional, got " + v.dump(), fix);
  if (!v.is_string()) throw InputError(field, "not a size: " + v.dump(), fix);
  const std::string s = v.get<std::string>();
  // stoull would take "-4G" as a huge number: only digits (or 0x...) may start a size.
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0])))
    throw InputError(field, "not a size: \"" + s + "\"" + (s.rfind('-', 0) == 0 ? " (a size cannot be negative)" : ""), fix);
  size_t used = 0;
  uint64_t n = 0;
  try {
    n = std::stoull(s, &used, 0);
  } catch (...) {
    throw InputError(field, "not a size: \"" + s + "\"", fix);
  }
  const std::string suffix = s.substr(used);
  unsigned shift = 0;
  if (suffix == "" || suffix == "B") shift = 0;
  else if (suffix == "K" || suffix == "KiB") shift = 10;
  else if (suffix == "M" || suffix == "MiB") shift = 20;
  else if (suffix == "G" || suffix == "GiB") shift = 30;
  else if (suffix == "T" || suffix == "TiB") shift = 40;
  else throw InputError(field, "unknown size suffix \"" + suffix + "\"", "use K, M, G or T");
  if (shift && (n >> (64 - shift)) != 0) throw InputError(field, "size \"" + s + "\" does not fit 64 bits", fix);
  return n << shift;
}

double parse_seconds(const json& v, const std::string& field) {
  const std::string fix = "write seconds as a number, or e.g. \"90s\" or \"5m\"";
  double s = -1;
  if (v.is_number()) {
    s = v.get<double>();
  } else if (v.is_string()) {
    const std::string t = v.get<std::string>();
    size_t used = 0;
    try {
      if (!t.empty() && std::isdigit(static_cast<unsigned char>(t[0]))) s = std::stod(t, &used);
    } catch (...) {
    }
    const std::string suffix = s < 0 ? "" : t.substr(used);
    if (suffix == "m") s *= 60;
    else if (suffix != "s" && suffix != "") s = -1;
  }
  if (!(s > 0) || !std::isfinite(s)) throw InputError(field, "not a positive duration: " + v.dump(), fix);
  return s;
}

}  // namespace cxlrig
