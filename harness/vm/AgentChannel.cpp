#include "AgentChannel.h"

#include <cstring>

namespace cxlrig {

std::string AgentFailure::describe() const {
  std::string s = "guest step '" + op + "' failed: " + error.msg;
  if (error.err) s += " (errno " + std::to_string(error.err) + ": " + std::strerror(error.err) + ")";
  if (!error.path.empty()) s += " [path " + error.path + "]";
  if (!error.value.empty()) s += " [value written: " + error.value + "]";
  return s;
}

namespace {
// nlohmann's "[json.exception.type_error.302] (/result/x) type must be ..." -> the path
// and the problem, without the exception's own id.
std::string readable(const std::string& what) {
  std::string s = what;
  if (s.rfind("[json.exception.", 0) == 0) {
    auto close = s.find("] ");
    if (close != std::string::npos) s = s.substr(close + 2);
  }
  if (!s.empty() && s[0] == '(') {
    auto close = s.find(") ");
    if (close != std::string::npos) s = "field " + s.substr(1, close - 1) + ": " + s.substr(close + 2);
  }
  return s;
}
}  // namespace

MalformedReply::MalformedReply(const std::string& op, const std::string& problem)
    : InputError("malformed guest reply to " + op, readable(problem),
                 "the guest agent and the harness must come from the same build") {}

std::string frame_agent_request(uint64_t id, const std::string& op, const nlohmann::json& args) {
  nlohmann::json j{{"id", id}, {"op", op}, {"args", args.is_null() ? nlohmann::json::object() : args}};
  return j.dump() + "\n";
}

AgentReply parse_agent_line(const std::string& line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error&) {
    throw MalformedReply("a request", "not JSON: " + line.substr(0, 200));
  }
  if (!j.is_object()) throw MalformedReply("a request", "not an object: " + line.substr(0, 200));
  AgentReply r;
  if (j.contains("event")) {
    if (!j["event"].is_string()) throw MalformedReply("an event", "field /event: must be a string");
    r.event = j["event"].get<std::string>();
    r.ok = true;
    r.result = j;
    return r;
  }
  if (!j.contains("id") || !j["id"].is_number_unsigned())
    throw MalformedReply("a request", "field /id: missing or not an unsigned integer: " + line.substr(0, 200));
  r.id = j["id"].get<uint64_t>();
  if (!j.contains("ok") || !j["ok"].is_boolean())
    throw MalformedReply("request " + std::to_string(*r.id), "field /ok: missing or not a boolean: " + line.substr(0, 200));
  r.ok = j["ok"].get<bool>();
  const char* part = r.ok ? "result" : "error";
  if (!j.contains(part) || !j[part].is_object())
    throw MalformedReply("request " + std::to_string(*r.id), std::string("field /") + part + ": missing or not an object");
  if (r.ok) {
    r.result = j["result"];
  } else {
    try {
      r.error = j["error"].get<proto::Error>();
    } catch (const std::exception& e) {
      throw MalformedReply("request " + std::to_string(*r.id), e.what());
    }
  }
  return r;
}

}  // namespace cxlrig
