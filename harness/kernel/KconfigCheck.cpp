#include "KconfigCheck.h"

#include <regex>
#include <sstream>

namespace cxlrig {

std::map<std::string, std::string> parse_kconfig_values(const std::string& text) {
  static const std::regex set(R"(^CONFIG_([A-Za-z0-9_]+)=(.*)$)");
  static const std::regex unset(R"(^# CONFIG_([A-Za-z0-9_]+) is not set\s*$)");
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, set))
      out[m[1]] = m[2];
    else if (std::regex_match(line, m, unset))
      out[m[1]] = "n";
  }
  return out;
}

void index_kconfig_file(const std::string& text, KconfigIndex& index) {
  static const std::regex entry(R"(^\s*(menu)?config\s+([A-Za-z0-9_]+)\s*$)");
  static const std::regex depends(R"(^\s*depends\s+on\s+(.*?)\s*(#.*)?$)");
  static const std::regex other(
      R"(^\s*(choice|endchoice|menu|endmenu|if|endif|source|comment|mainmenu|help|---help---)\b.*$)");
  std::istringstream in(text);
  std::string line, current;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, entry)) {
      current = m[2];
      index[current];  // defined, even with no dependencies
    } else if (std::regex_match(line, m, other)) {
      current.clear();
    } else if (!current.empty() && std::regex_match(line, m, depends)) {
      index[current].push_back(m[1]);
    }
  }
}

namespace {

// Symbols a dependency expression needs that the final .config leaves unset; empty when
// one of its `||` alternatives is met. Approximate (parentheses are not nested), which is
// enough to say why an option did not stick.
std::vector<std::string> unmet(const std::string& expr, const std::map<std::string, std::string>& cfg) {
  static const std::regex sym(R"((!?)\s*\b([A-Z][A-Z0-9_]+)\b)");
  auto set = [&](const std::string& n) {
    auto v = cfg.find(n);
    return v != cfg.end() && v->second != "n";
  };
  std::vector<std::string> out;
  size_t from = 0;
  for (;;) {
    size_t bar = expr.find("||", from);
    const std::string alt = expr.substr(from, bar == std::string::npos ? std::string::npos : bar - from);
    std::vector<std::string> missing;
    for (std::sregex_iterator it(alt.begin(), alt.end(), sym), end; it != end; ++it) {
      const bool negated = (*it)[1].length() > 0;
      const std::string name = (*it)[2];
      if (set(name) == negated) missing.push_back(negated ? "!" + name : name);
    }
    if (missing.empty()) return {};
    out.insert(out.end(), missing.begin(), missing.end());
    if (bar == std::string::npos) return out;
    from = bar + 2;
  }
}

}  // namespace

std::vector<KconfigVerdict> check_kconfig(const std::map<std::string, std::string>& requested,
                                          const std::map<std::string, std::string>& final_config,
                                          const KconfigIndex& index) {
  std::vector<KconfigVerdict> out;
  for (auto& [name, wanted] : requested) {
    auto f = final_config.find(name);
    const std::string got = f == final_config.end() ? "n" : f->second;
    KconfigVerdict v{KconfigVerdict::kStuck, name, wanted, got, ""};
    if (!index.count(name)) {
      v.kind = wanted == "n" || got == wanted ? KconfigVerdict::kStuck : KconfigVerdict::kAbsentFromTree;
      if (v.kind == KconfigVerdict::kAbsentFromTree) v.reason = "this tree has no such option";
    } else if (got != wanted) {
      v.kind = KconfigVerdict::kNotStuck;
      std::string deps;
      for (auto& expr : index.at(name)) {
        auto missing = unmet(expr, final_config);
        if (missing.empty()) continue;
        if (!deps.empty()) deps += "; ";
        deps += "depends on " + expr + " (not set:";
        for (auto& s : missing) deps += " " + s;
        deps += ")";
      }
      v.reason = deps.empty() ? "olddefconfig changed it (a choice, a range or a select overrides it)" : deps;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string describe_not_stuck(const std::vector<KconfigVerdict>& verdicts) {
  std::string out;
  for (auto& v : verdicts)
    if (v.kind == KconfigVerdict::kNotStuck)
      out += "CONFIG_" + v.option + " (wanted " + v.wanted + ", got " + v.got + "): " + v.reason + "\n";
  return out;
}

}  // namespace cxlrig
