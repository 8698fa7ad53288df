// The network side of omega-zone: the WebSocket server (the transport of the game protocol)
// and the HTTP side port (/metrics, /healthz, /stats). Both run on one io_context, driven by one
// network thread (DESIGN.md §5: network I/O on its own thread; one is right for 2 cores).
//
// Beast and Asio stay inside websocket_server.cpp and http_server.cpp: this header only
// forward-declares io_context, so the simulation never compiles them.
//
// Thread safety: deliver() and open_connections() may be called from any thread; everything
// else runs on the network thread (or before it starts).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zone/config.hpp"
#include "zone/connection.hpp"
#include "zone/zone_metrics.hpp"

namespace boost::asio {
class io_context;
}

namespace omega::zone {

class WebSocketServer {
 public:
  WebSocketServer(boost::asio::io_context& io, const ZoneConfig& config, Inbox& inbox,
                  ZoneMetrics& metrics, MessagePool& pool);
  ~WebSocketServer();
  WebSocketServer(const WebSocketServer&) = delete;
  WebSocketServer& operator=(const WebSocketServer&) = delete;

  // Binds and starts accepting; returns the bound port, or 0 with `error` set.
  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  // Stops accepting new connections (thread-safe: posted to the network thread).
  void stop_accepting();
  // Queues outgoing messages (takes the contents of `batch`); thread-safe.
  void deliver(std::vector<Outgoing>& batch);
  // Closes every socket at once (after the shutdown grace period).
  void close_all();
  size_t open_connections() const;

  struct Impl;  // websocket_server.cpp only

 private:
  std::shared_ptr<Impl> impl_;
};

// The HTTP side port. Routing is the pure function http_route() below.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ZoneMetrics& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};
// GET /healthz, /metrics, /stats[?reset=1]; anything else 404 (405 for other methods).
HttpReply http_route(std::string_view method, std::string_view target, ZoneMetrics& metrics);

}  // namespace omega::zone
