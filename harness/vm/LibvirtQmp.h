// QMP through libvirt: commands go through virDomainQemuMonitorCommand on a worker thread
// (a hung monitor must not block the Vm's deadlines), events arrive through
// virConnectDomainQemuMonitorEventRegister on libvirt's event thread. Both hand their
// results over under a lock and wake the Vm's event loop. Lines go to qmp.log as with the
// direct backend.
#pragma once
#include <libvirt/libvirt.h>

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "QmpPort.h"

namespace cxlrig {

class LibvirtQmp : public QmpPort {
 public:
  LibvirtQmp(boost::asio::io_context& ioc, virConnectPtr conn, virDomainPtr dom, const std::string& log_path);
  ~LibvirtQmp() override;
  LibvirtQmp(const LibvirtQmp&) = delete;
  LibvirtQmp& operator=(const LibvirtQmp&) = delete;

  bool ready() const override { return true; }  // libvirt negotiated long before us
  uint64_t send(const std::string& execute, const nlohmann::json& args) override;
  std::optional<QmpMessage> take_reply(uint64_t id) override;
  const std::vector<QmpMessage>& events() override;

 private:
  static void on_event(virConnectPtr, virDomainPtr, const char* event, long long seconds, unsigned int micros,
                       const char* details, void* opaque);
  void work();
  void log(const std::string& dir, const std::string& line);

  boost::asio::io_context& ioc_;
  virConnectPtr conn_;
  virDomainPtr dom_;
  int callback_id_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<uint64_t, std::string>> queue_;  // commands not yet sent
  std::map<uint64_t, QmpMessage> replies_;
  std::vector<QmpMessage> arrived_;  // events not yet handed to the Vm's thread
  std::vector<QmpMessage> events_;   // the Vm's thread only
  std::ofstream log_;
  bool stop_ = false;
  uint64_t next_id_ = 1;
  std::thread worker_;
};

}  // namespace cxlrig
