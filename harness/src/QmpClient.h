// QMP over a LineChannel: greeting, qmp_capabilities, commands matched to replies by id,
// asynchronous events kept in order. Every line in either direction goes to qmp.log.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "LineChannel.h"
#include "QmpMessage.h"

namespace cxlrig {

class QmpClient {
 public:
  QmpClient(LineChannel::Socket sock, const std::string& log_path);
  void start() { chan_->start(); }
  bool greeted() const { return greeting_.has_value(); }
  const nlohmann::json& greeting() const { return *greeting_; }
  uint64_t send(const std::string& execute, const nlohmann::json& args = nullptr);
  // The reply to `id` once it arrived (and forgets it).
  std::optional<QmpMessage> take_reply(uint64_t id);
  const std::vector<QmpMessage>& events() const { return events_; }
  bool closed() const { return chan_->closed(); }

 private:
  void on_line(const std::string& line);
  std::unique_ptr<LineChannel> chan_;
  std::ofstream log_;
  std::optional<nlohmann::json> greeting_;
  std::map<uint64_t, QmpMessage> replies_;
  std::vector<QmpMessage> events_;
  uint64_t next_id_ = 1;
};

}  // namespace cxlrig
