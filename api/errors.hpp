// Errors raised inside handlers and turned into the JSON error shape at one place: the
// dispatcher (api/application.cpp). They never leave the api module and never cross the
// network boundary as exceptions.
#pragma once

#include <stdexcept>
#include <string>

namespace omega::api {

// A client-visible failure with its HTTP status and stable machine-readable code.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  // Extra response header (e.g. Retry-After); empty name when none.
  std::string header_name;
  std::string header_value;

 private:
  int status_;
  std::string code_;
};

// A dependency (PostgreSQL, Redis) is unreachable: answered with 503, retried later.
class ServiceUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace omega::api
