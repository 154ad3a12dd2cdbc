// One connected unix socket (QMP, console or agent) read asynchronously on the event loop,
// cut into lines, with every byte offered to a raw sink first (for logs).
#pragma once
#include <boost/asio/local/stream_protocol.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "JsonLines.h"

namespace cxlrig {

class LineChannel {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;
  using OnLine = std::function<void(const std::string&)>;
  using OnBytes = std::function<void(std::string_view)>;

  LineChannel(Socket sock, OnLine on_line, OnBytes on_bytes = {});
  void start();
  void write(const std::string& data);  // blocking: messages are small
  bool closed() const { return closed_; }
  const std::string& pending() const { return splitter_.pending(); }

 private:
  void read_more();
  Socket sock_;
  OnLine on_line_;
  OnBytes on_bytes_;
  LineSplitter splitter_;
  std::array<char, 65536> buf_{};
  bool closed_ = false;
};

}  // namespace cxlrig
