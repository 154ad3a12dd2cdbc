// QMP over our own unix socket (the direct backend): greeting, qmp_capabilities sent as
// soon as QEMU greets, commands matched to replies by id, events kept in order. Every line
// in either direction goes to qmp.log.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "LineChannel.h"
#include "QmpPort.h"

namespace cxlrig {

class QmpClient : public QmpPort {
 public:
  QmpClient(LineChannel::Socket sock, const std::string& log_path);
  void start() { chan_->start(); }
  bool ready() const override { return negotiated_; }
  uint64_t send(const std::string& execute, const nlohmann::json& args) override;
  std::optional<QmpMessage> take_reply(uint64_t id) override;
  const std::vector<QmpMessage>& events() override { return events_; }

 private:
  void on_line(const std::string& line);
  std::unique_ptr<LineChannel> chan_;
  std::ofstream log_;
  std::optional<uint64_t> capabilities_id_;
  bool negotiated_ = false;
  std::map<uint64_t, QmpMessage> replies_;
  std::vector<QmpMessage> events_;
  uint64_t next_id_ = 1;
};

}  // namespace cxlrig
