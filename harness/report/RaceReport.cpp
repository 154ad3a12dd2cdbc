#include "RaceReport.h"

#include <cstdio>
#include <sstream>

namespace cxlrig {

std::string render_race(const nlohmann::json& race) {
  std::ostringstream o;
  const unsigned runs = race.value("runs", 0u), hits = race.value("hits", 0u);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f%%", 100.0 * race.value("hit_rate", 0.0));
  o << "\nrace: " << runs << " run" << (runs == 1 ? "" : "s") << ", " << hits << " hit" << (hits == 1 ? "" : "s");
  if (runs) o << " (hit rate " << rate << ")";
  if (race.contains("median_first_hit_s") && !race["median_first_hit_s"].is_null()) {
    char t[32];
    std::snprintf(t, sizeof t, "%.1f s", race["median_first_hit_s"].get<double>());
    o << ", median time to first hit " << t;
  }
  o << "\n";
  const auto window = race.value("window", nlohmann::json::array());
  if (window.empty()) o << "window: none (the kernel as shipped or built, no widening patch)\n";
  for (auto& w : window) o << "window: " << w.get<std::string>() << " (a hit here is a hit with a widened window)\n";
  if (const auto h = race.value("holder", nlohmann::json::object()); h.value("runs", 0u) > 0) {
    o << "holder: told an offset no poisoned page lies at in " << h.value("misinformed", 0u) << "/"
      << h.value("runs", 0u) << " runs";
    if (h.value("misinformed", 0u)) o << " (first: offset/len/flags " << h.value("first", std::string()) << ")";
    o << "\n";
  }
  for (auto& t : race.value("titles", nlohmann::json::array())) {
    o << (t.value("expected", false) ? "  hit    " : "  other  ") << t.value("runs", 0u) << "/" << runs << " runs, "
      << t.value("reports", 0u) << " report" << (t.value("reports", 0u) == 1 ? "" : "s") << ": "
      << t.value("title", std::string()) << "\n";
  }
  for (auto& t : race.value("titles", nlohmann::json::array())) {
    o << "\nfirst report of \"" << t.value("title", std::string()) << "\":\n";
    std::istringstream in(t.value("first_report", std::string()));
    for (std::string line; std::getline(in, line);) o << "    " << line << "\n";
  }
  return o.str();
}

}  // namespace cxlrig
