#include "LibvirtQmp.h"

#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <stdlib.h>

#include <boost/asio/post.hpp>

#include "InputError.h"

namespace cxlrig {

LibvirtQmp::LibvirtQmp(boost::asio::io_context& ioc, virConnectPtr conn, virDomainPtr dom, const std::string& log_path)
    : ioc_(ioc), conn_(conn), dom_(dom), log_(log_path, std::ios::app) {
  // Every event of this domain (MEMORY_FAILURE is the one the oracle reads).
  callback_id_ = virConnectDomainQemuMonitorEventRegister(conn_, dom_, nullptr, &LibvirtQmp::on_event, this, nullptr, 0);
  if (callback_id_ < 0) {
    const virError* e = virGetLastError();
    throw InfraError(std::string("libvirt: cannot subscribe to QMP events: ") + (e && e->message ? e->message : "?"));
  }
  worker_ = std::thread([this] { work(); });
}

LibvirtQmp::~LibvirtQmp() {
  virConnectDomainQemuMonitorEventDeregister(conn_, callback_id_);
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();  // a command still in flight fails once the domain is destroyed
}

void LibvirtQmp::log(const std::string& dir, const std::string& line) {
  log_ << dir << line << (line.empty() || line.back() != '\n' ? "\n" : "");
  log_.flush();
}

uint64_t LibvirtQmp::send(const std::string& execute, const nlohmann::json& args) {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t id = next_id_++;
  queue_.emplace_back(id, frame_qmp_command(execute, args, std::nullopt));
  cv_.notify_all();
  return id;
}

void LibvirtQmp::work() {
  for (;;) {
    std::pair<uint64_t, std::string> cmd;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      cmd = std::move(queue_.front());
      queue_.pop_front();
      log("-> ", cmd.second);
    }
    char* result = nullptr;
    int rc = virDomainQemuMonitorCommand(dom_, cmd.second.c_str(), &result, 0);
    std::string text;
    if (rc == 0 && result) {
      text = result;
      free(result);
    } else {
      // libvirt itself refused (domain gone, monitor closed): reported like QEMU's errors,
      // with libvirt's words, so the row shows it.
      const virError* e = virGetLastError();
      text = nlohmann::json{{"error", {{"class", "LibvirtError"}, {"desc", e && e->message ? e->message : "?"}}}}.dump();
    }
    QmpMessage m;
    try {
      m = parse_qmp_line(text);
    } catch (const std::exception& ex) {
      m = QmpMessage{QmpMessage::kError, {}, {{"class", "BadReply"}, {"desc", ex.what()}}, {}};
    }
    m.id = cmd.first;
    {
      std::lock_guard<std::mutex> l(mu_);
      log("<- ", text);
      replies_[cmd.first] = std::move(m);
    }
    boost::asio::post(ioc_, [] {});  // wake the Vm's wait
  }
}

void LibvirtQmp::on_event(virConnectPtr, virDomainPtr, const char* event, long long seconds, unsigned int micros,
                          const char* details, void* opaque) {
  auto* self = static_cast<LibvirtQmp*>(opaque);
  nlohmann::json body{{"event", event}, {"timestamp", {{"seconds", seconds}, {"microseconds", micros}}}};
  if (details) body["data"] = nlohmann::json::parse(details, nullptr, false);
  QmpMessage m{QmpMessage::kEvent, std::nullopt, body, event};
  {
    std::lock_guard<std::mutex> l(self->mu_);
    self->log("<- ", body.dump());
    self->arrived_.push_back(std::move(m));
  }
  boost::asio::post(self->ioc_, [] {});
}

std::optional<QmpMessage> LibvirtQmp::take_reply(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = replies_.find(id);
  if (it == replies_.end()) return std::nullopt;
  QmpMessage m = std::move(it->second);
  replies_.erase(it);
  return m;
}

const std::vector<QmpMessage>& LibvirtQmp::events() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& m : arrived_) events_.push_back(std::move(m));
  arrived_.clear();
  return events_;
}

}  // namespace cxlrig
