// The HTTP/1.1 front of omega-api on Boost.Beast: keep-alive, a body-size limit (413),
// read/write timeouts, JSON errors for malformed requests, and graceful shutdown (stop
// accepting, close idle connections, let in-flight requests finish within a grace period).
// Beast stays inside server.cpp (pimpl): it is by far the slowest header set to compile.
// start/stop/wait may be called from any thread; one start and one stop per object.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

namespace omega::api {

class Application;

class HttpServer {
 public:
  explicit HttpServer(Application& application);
  ~HttpServer();  // stops (with no grace) if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the configured address and port (0: any free port), starts the I/O threads and
  // returns the bound port. Throws std::runtime_error if the port cannot be bound.
  std::uint16_t start();
  // Stops accepting, closes idle connections, and waits up to `grace` for in-flight
  // requests before stopping the I/O threads.
  void stop(std::chrono::milliseconds grace);
  // Blocks until SIGINT or SIGTERM, then stops with the configured grace period.
  void run_until_signal();

  struct Impl;  // public only so the connection type in server.cpp can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace omega::api
