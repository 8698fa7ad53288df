// The network side of omega-zone: the WebSocket server (the transport of the game protocol;
// the upgrade path picks the instance) and the HTTP side port (/metrics, /healthz, /stats, and
// the /instances control endpoints). Both run on one io_context, driven by main's network
// thread (docs/ARCHITECTURE.md: network I/O on its own thread). With network_threads = K > 1
// the WebSocket connections are spread over K shards, each an io_context with its own thread
// (shard 0 is that first io_context): connection id N lives on shard N % K, and every handler
// of a connection runs on its shard's thread.
//
// Beast and Asio stay inside websocket_server.cpp and http_server.cpp: this header only
// forward-declares io_context, so the simulation never compiles them.
//
// Thread safety: deliver() and open_connections() may be called from any thread; everything
// else runs on the network threads (or before they start).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zone/arena_match.hpp"
#include "zone/config.hpp"
#include "zone/connection.hpp"
#include "zone/zone_metrics.hpp"
#include "protocol/messages.hpp"

namespace boost::asio {
class io_context;
}

namespace omega::zone {

class InstanceDirectory;

class WebSocketServer {
 public:
  WebSocketServer(boost::asio::io_context& io, const ZoneConfig& config, Inbox& inbox,
                  ZoneMetrics& metrics, MessagePool& pool, const InstanceDirectory& directory);
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
  // How writes reach the kernel: config send_io, or sendmsg where io_uring was refused.
  SendIo send_io() const;

  struct Impl;     // websocket_server.cpp only
  struct Threads;  // network shards 1.. (config network_threads)

 private:
  std::unique_ptr<Threads> threads_;  // destroyed after impl_ (see the destructor)
  std::shared_ptr<Impl> impl_;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// A request the HTTP side port hands to the control handler (views valid during the call).
struct HttpRequestView {
  std::string_view method, target, authorization, body;
};
// Answers a control request asynchronously: returns false when `request` is not one (then
// http_route answers it); otherwise calls `reply` exactly once, from any thread.
using ControlHandler =
    std::function<bool(const HttpRequestView& request, std::function<void(HttpReply)> reply)>;

// The HTTP side port. Routing is the pure function http_route() below, plus the control
// handler for /instances.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ZoneMetrics& metrics, ControlHandler control = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// GET /healthz, /metrics, /stats[?reset=1]; anything else 404 (405 for other methods).
HttpReply http_route(std::string_view method, std::string_view target, ZoneMetrics& metrics);

// The control endpoints of the world contract, parsed (control_route.cpp, pure).
struct ControlCommand {
  enum class Kind : uint8_t { open, close, kick } kind = Kind::open;
  std::string zone;
  uint32_t instance = 0;
  uint64_t account_id = 0;                                          // kick
  protocol::KickReason kick_reason = protocol::KickReason::kicked;  // kick: banned or kicked
  std::optional<uint64_t> party_id;
  std::optional<MatchSpec> match;  // an arena's match (POST /instances "match")
};
struct ControlParse {
  std::optional<ControlCommand> command;  // set when the request is valid
  HttpReply error;                        // else the answer (401, 400, 404, 405)
};
// True for /instances, /instances/... and /kicks.
bool is_control_target(std::string_view target);
// POST /instances {"zone","instance","kind"?,"party_id"?,"match"?}; DELETE
// /instances/{zone}/{instance}; POST /kicks {"account_id","reason":"banned"|"kicked"} (every
// session of the account); `authorization` must be "Bearer <service_token>" (an empty token refuses
// everything).
ControlParse parse_control_request(const HttpRequestView& request, std::string_view service_token);
HttpReply json_reply(int status, std::string body);

}  // namespace omega::zone
