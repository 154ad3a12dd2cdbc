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
    case QmpMessage::kGreeting: greeting_ = m.body; break;
    case QmpMessage::kEvent: events_.push_back(m); break;
    default:
      if (m.id) replies_[*m.id] = m;
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
