// QMP wire messages: classify what QEMU sent, frame what we send.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cxlrig {

struct QmpMessage {
  enum Kind { kGreeting, kReturn, kError, kEvent } kind;
  std::optional<uint64_t> id;  // our "id" echoed back
  nlohmann::json body;         // return value, error object, or the whole event
  std::string event;           // event name
};

// Throws InputError (a bad reply from QEMU) when the line is not a QMP message.
QmpMessage parse_qmp_line(const std::string& line);
// One command as a single line, with our id when the monitor is ours (libvirt numbers the
// commands it passes through itself).
std::string frame_qmp_command(const std::string& execute, const nlohmann::json& arguments,
                              std::optional<uint64_t> id);

}  // namespace cxlrig
