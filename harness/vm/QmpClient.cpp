#include "QmpClient.h"

#include "InputError.h"

namespace cxlrig {

QmpClient::QmpClient(LineChannel::Socket sock, const std::string& log_path) : log_(log_path, std::ios::app) {
  chan_ = std::make_unique<LineChannel>(std::move(sock), [this](const std::string& l) { on_line(l); });
}

void QmpClient::on_line(const std::string& line) {
  log_ << "<- " << line << '\n';
  log_.flush();
  QmpMessage m = parse_qmp_line(line);
  switch (m.kind) {
    case QmpMessage::kGreeting: capabilities_id_ = send("qmp_capabilities", nullptr); break;
    case QmpMessage::kEvent: events_.push_back(m); break;
    default:
      if (m.id && m.id == capabilities_id_) {
        if (m.kind == QmpMessage::kError)
          throw InfraError("QMP qmp_capabilities failed: " + m.body.value("desc", m.body.dump()));
        negotiated_ = true;
      } else if (m.id) {
        replies_[*m.id] = m;
      }
  }
}

uint64_t QmpClient::send(const std::string& execute, const nlohmann::json& args) {
  uint64_t id = next_id_++;
  std::string frame = frame_qmp_command(execute, args, id);
  log_ << "-> " << frame;
  log_.flush();
  chan_->write(frame);
  return id;
}

std::optional<QmpMessage> QmpClient::take_reply(uint64_t id) {
  auto it = replies_.find(id);
  if (it == replies_.end()) return std::nullopt;
  QmpMessage m = it->second;
  replies_.erase(it);
  return m;
}

}  // namespace cxlrig
