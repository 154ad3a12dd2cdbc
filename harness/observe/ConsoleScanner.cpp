#include "ConsoleScanner.h"

#include <regex>

namespace cxlrig {
namespace {

struct Rule {
  const char* kind;
  std::regex re;
};

const std::vector<Rule>& rules() {
  // The timestamp prefix "[   1.234567] " is optional: printk.time may be off.
  static const std::vector<Rule> r = {
      {"panic", std::regex(R"(Kernel panic - not syncing)")},
      {"kasan", std::regex(R"(BUG: KASAN: )")},
      {"kcsan", std::regex(R"(BUG: KCSAN: )")},
      {"ubsan", std::regex(R"(UBSAN: )")},
      {"lockdep", std::regex(R"(WARNING: (possible circular locking dependency|possible recursive locking|suspicious RCU usage|inconsistent lock state))")},
      {"hung_task", std::regex(R"(INFO: task .* blocked for more than)")},
      {"gpf", std::regex(R"(general protection fault)")},
      {"bug", std::regex(R"(\bBUG: |kernel BUG at )")},
      {"oops", std::regex(R"(\bOops: )")},
      {"warning", std::regex(R"(WARNING: CPU: \d+ PID: \d+ at )")},
  };
  return r;
}

std::string where_of(const std::string& line) {
  static const std::regex at(R"( at ([^ ]+:\d+)|kernel BUG at ([^!]+)!| in ([A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+))");
  std::smatch m;
  if (std::regex_search(line, m, at))
    for (size_t i = 1; i < m.size(); ++i)
      if (m[i].matched) return m[i].str();
  return {};
}

}  // namespace

std::optional<Splat> ConsoleScanner::scan(const std::string& line) {
  ++lineno_;
  // Cheap pre-filter: almost every line is harmless boot chatter.
  if (line.find_first_of("BOWKUIgp") == std::string::npos) return std::nullopt;
  for (const auto& r : rules()) {
    if (std::regex_search(line, r.re)) {
      Splat s{r.kind, lineno_, line, where_of(line)};
      if (s.kind == std::string("panic")) panicked_ = true;
      splats_.push_back(s);
      return s;
    }
  }
  return std::nullopt;
}

nlohmann::json to_json(const Splat& s) {
  return {{"kind", s.kind}, {"line", s.line}, {"text", s.text}, {"where", s.where}};
}

}  // namespace cxlrig
