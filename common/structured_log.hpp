// Structured logs for the services: a log line is either the usual spdlog text or one JSON
// object per line ({"ts","level","service","msg", "request_id" when the thread handles a
// request, and the fields of an event}), which a log shipper can index without parsing text.
// Audit events (logins, trades, loot) are logged with log_event so that their ids and amounts
// are fields, not words in a sentence.
//
// Thread safety: the request id and the fields of the event being written are thread-local,
// so the formatter must run on the logging thread — true for the synchronous loggers the
// services use (never install an async logger with these formatters). configure_logging is
// for the start of main(), before other threads log.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace omega::common {

enum class LogFormat { text, json };

// "text" or "json"; nullopt for anything else.
std::optional<LogFormat> parse_log_format(std::string_view name);

// A formatter for one sink. `service` is the "service" key of JSON lines; text lines keep
// spdlog's default layout and append request_id=… and the event's key=value fields.
std::unique_ptr<spdlog::formatter> make_log_formatter(std::string service, LogFormat format);

// Installs make_log_formatter(service, format) on every sink of the default logger.
void configure_logging(const std::string& service, LogFormat format);

// While alive, every line this thread logs carries `request_id`; the previous id (usually
// none) comes back on destruction. Not copyable: it is a scope.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// The id set by the innermost RequestIdScope of this thread; empty when there is none.
const std::string& current_request_id();

// Logs `event` as the message with `fields` (a JSON object) as top-level keys of the JSON
// line, or key=value after the message in text. A field named like a fixed key of the JSON
// line (ts, level, service, msg, request_id) is left out of it, even when the line has no
// request id. Nothing is built when `level` is filtered.
void log_event(spdlog::level::level_enum level, std::string_view event,
               const nlohmann::json& fields);

}  // namespace omega::common
