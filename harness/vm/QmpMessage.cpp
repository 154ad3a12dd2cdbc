#include "QmpMessage.h"

#include "InputError.h"

namespace cxlrig {

QmpMessage parse_qmp_line(const std::string& line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError("qmp", "reply is not JSON: " + line.substr(0, 200));
  }
  if (!j.is_object()) throw InputError("qmp", "reply is not an object: " + line.substr(0, 200));
  QmpMessage m{};
  if (j.contains("id") && j["id"].is_number_unsigned()) m.id = j["id"].get<uint64_t>();
  if (j.contains("QMP")) {
    m.kind = QmpMessage::kGreeting;
    m.body = j["QMP"];
  } else if (j.contains("return")) {
    m.kind = QmpMessage::kReturn;
    m.body = j["return"];
  } else if (j.contains("error")) {
    m.kind = QmpMessage::kError;
    m.body = j["error"];
  } else if (j.contains("event")) {
    m.kind = QmpMessage::kEvent;
    m.event = j["event"].get<std::string>();
    m.body = j;
  } else {
    throw InputError("qmp", "unknown message: " + line.substr(0, 200));
  }
  return m;
}

std::string frame_qmp_command(const std::string& execute, const nlohmann::json& arguments,
                              std::optional<uint64_t> id) {
  nlohmann::json j{{"execute", execute}};
  if (id) j["id"] = *id;
  if (!arguments.is_null() && !arguments.empty()) j["arguments"] = arguments;
  return j.dump() + "\n";
}

}  // namespace cxlrig
