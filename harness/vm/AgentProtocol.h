// Host side of the guest agent protocol: JSON lines over a virtio-serial port.
//   host  -> guest: {"id": N, "op": "...", "args": {...}}
//   guest -> host:  {"id": N, "ok": true, "result": {...}}
//                   {"id": N, "ok": false, "error": {"msg", "errno", "path", "value"}}
//                   {"event": "ready", "kernel": "...", ...}   (once, unsolicited)
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

// A guest step that failed: what it was doing and which sysfs file said no.
struct AgentFailure {
  std::string op;
  std::string msg;
  int err = 0;  // errno
  std::string path;
  std::string value;
  std::string describe() const;
};

class AgentStepError : public std::runtime_error {
 public:
  explicit AgentStepError(AgentFailure f) : std::runtime_error(f.describe()), failure(std::move(f)) {}
  AgentFailure failure;
};

struct AgentReply {
  std::optional<uint64_t> id;          // empty for events
  std::string event;                   // non-empty for events
  bool ok = false;
  nlohmann::json result;               // result, or the event object
  std::optional<AgentFailure> error;
};

std::string frame_agent_request(uint64_t id, const std::string& op, const nlohmann::json& args);
// Throws InputError naming the field when the guest's reply is malformed.
AgentReply parse_agent_line(const std::string& line);

// Typed field access on agent results: a missing or mistyped field is a bad guest reply.
uint64_t result_u64(const nlohmann::json& r, const std::string& key, const std::string& op);
std::string result_str(const nlohmann::json& r, const std::string& key, const std::string& op);

}  // namespace cxlrig
