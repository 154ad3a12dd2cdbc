#include "AgentProtocol.h"

#include <cstring>

#include "InputError.h"

namespace cxlrig {

std::string AgentFailure::describe() const {
  std::string s = "guest step '" + op + "' failed: " + msg;
  if (err) s += " (errno " + std::to_string(err) + ": " + std::strerror(err) + ")";
  if (!path.empty()) s += " [path " + path + "]";
  if (!value.empty()) s += " [value written: " + value + "]";
  return s;
}

std::string frame_agent_request(uint64_t id, const std::string& op, const nlohmann::json& args) {
  nlohmann::json j{{"id", id}, {"op", op}, {"args", args.is_null() ? nlohmann::json::object() : args}};
  return j.dump() + "\n";
}

AgentReply parse_agent_line(const std::string& line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error&) {
    throw InputError("agent reply", "not JSON: " + line.substr(0, 200),
                     "the guest agent and harness must come from the same build");
  }
  if (!j.is_object()) throw InputError("agent reply", "not an object: " + line.substr(0, 200));
  AgentReply r;
  if (j.contains("event")) {
    if (!j["event"].is_string()) throw InputError("agent reply.event", "must be a string");
    r.event = j["event"].get<std::string>();
    r.ok = true;
    r.result = j;
    return r;
  }
  if (!j.contains("id") || !j["id"].is_number_unsigned())
    throw InputError("agent reply.id", "missing or not an unsigned integer: " + line.substr(0, 200));
  r.id = j["id"].get<uint64_t>();
  if (!j.contains("ok") || !j["ok"].is_boolean())
    throw InputError("agent reply.ok", "missing or not a boolean: " + line.substr(0, 200));
  r.ok = j["ok"].get<bool>();
  if (r.ok) {
    r.result = j.value("result", nlohmann::json::object());
    if (!r.result.is_object()) throw InputError("agent reply.result", "must be an object");
  } else {
    if (!j.contains("error") || !j["error"].is_object())
      throw InputError("agent reply.error", "a failed reply must carry an error object");
    const auto& e = j["error"];
    AgentFailure f;
    f.msg = e.value("msg", "");
    f.err = e.value("errno", 0);
    f.path = e.value("path", "");
    f.value = e.value("value", "");
    r.error = f;
  }
  return r;
}

uint64_t result_u64(const nlohmann::json& r, const std::string& key, const std::string& op) {
  if (!r.contains(key) || !r[key].is_number_unsigned())
    throw InputError("agent reply to " + op + ".result." + key, "missing or not an unsigned integer");
  return r[key].get<uint64_t>();
}

std::string result_str(const nlohmann::json& r, const std::string& key, const std::string& op) {
  if (!r.contains(key) || !r[key].is_string())
    throw InputError("agent reply to " + op + ".result." + key, "missing or not a string");
  return r[key].get<std::string>();
}

}  // namespace cxlrig
