#include "LineChannel.h"

#include <boost/asio/write.hpp>

#include "InputError.h"

namespace cxlrig {

LineChannel::LineChannel(Socket sock, OnLine on_line, OnBytes on_bytes)
    : sock_(std::move(sock)), on_line_(std::move(on_line)), on_bytes_(std::move(on_bytes)) {}

void LineChannel::start() { read_more(); }

void LineChannel::read_more() {
  sock_.async_read_some(boost::asio::buffer(buf_), [this](boost::system::error_code ec, size_t n) {
    if (n > 0) {
      std::string_view bytes(buf_.data(), n);
      if (on_bytes_) on_bytes_(bytes);
      for (auto& line : splitter_.feed(bytes)) on_line_(line);
    }
    if (ec) {
      closed_ = true;
      return;
    }
    read_more();
  });
}

void LineChannel::write(const std::string& data) {
  boost::system::error_code ec;
  boost::asio::write(sock_, boost::asio::buffer(data), ec);
  if (ec) throw InfraError("write to guest channel failed: " + ec.message());
}

}  // namespace cxlrig
