// The host end of the agent protocol (guest-tests/protocol/AgentProtocol.h): framing of
// the envelope, and the channel the drive stage talks through. The Vm is one; unit tests
// replace it with a scripted fake guest.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "AgentProtocol.h"
#include "InputError.h"

namespace cxlrig {

using Millis = std::chrono::milliseconds;

// A guest step the kernel refused: the op, and which sysfs file said no (a finding, not a
// crash: it becomes a FAIL row).
struct AgentFailure {
  std::string op;
  proto::Error error;
  std::string describe() const;
};

class AgentStepError : public std::runtime_error {
 public:
  explicit AgentStepError(AgentFailure f) : std::runtime_error(f.describe()), failure(std::move(f)) {}
  AgentFailure failure;
};

// The guest said something the protocol does not allow: bad input from the guest, exit 2.
class MalformedReply : public InputError {
 public:
  MalformedReply(const std::string& op, const std::string& problem);
};

struct AgentReply {
  std::optional<uint64_t> id;  // empty for events
  std::string event;           // non-empty for events
  bool ok = false;
  nlohmann::json result;       // result, or the event object
  std::optional<proto::Error> error;
};

std::string frame_agent_request(uint64_t id, const std::string& op, const nlohmann::json& args);
// Throws MalformedReply naming the field when the envelope is malformed.
AgentReply parse_agent_line(const std::string& line);

class AgentChannel {
 public:
  virtual ~AgentChannel() = default;
  // The op's result object; AgentStepError when the agent refused the step.
  virtual nlohmann::json agent(const std::string& op, const nlohmann::json& args, Millis timeout) = 0;
};

// One typed round trip: the op's Request out, its Reply back, strictly read.
template <class Op>
typename Op::Reply call(AgentChannel& ch, const typename Op::Request& req, Millis timeout) {
  const nlohmann::json result = ch.agent(Op::name, nlohmann::json(req), timeout);
  try {
    return result.get<typename Op::Reply>();
  } catch (const std::exception& e) {
    throw MalformedReply(Op::name, e.what());
  }
}

}  // namespace cxlrig
