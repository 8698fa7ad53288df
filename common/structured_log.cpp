#include "common/structured_log.hpp"

#include <chrono>
#include <ctime>
#include <utility>

#include <spdlog/pattern_formatter.h>

namespace omega::common {

namespace {

thread_local std::string request_id_of_thread;
// The fields of the log_event call running on this thread, read by the formatters of its sinks.
thread_local const nlohmann::json* event_fields = nullptr;

// Log text is not guaranteed UTF-8 (a username, a peer's bytes): replace, never throw.
std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// 2026-12-05T21:50:00.123Z
std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[32];
  const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(text, length) + fmt::format(".{:03}Z", millis.count());
}

// A text value needs no quotes when a reader cannot mistake where it ends.
bool is_bare_word(const std::string& text) {
  if (text.empty()) return false;
  for (const unsigned char c : text)
    if (c <= ' ' || c == '"' || c == '=' || c >= 0x7f) return false;
  return true;
}

bool is_fixed_key(std::string_view key) {
  return key == "ts" || key == "level" || key == "service" || key == "msg" || key == "request_id";
}

class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    // Ordered: the fixed keys first, as a person reading the raw log expects them.
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["ts"] = utc_timestamp(msg.time);
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line["service"] = service_;
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    if (!request_id_of_thread.empty()) line["request_id"] = request_id_of_thread;
    if (event_fields != nullptr && event_fields->is_object())
      for (const auto& [key, value] : event_fields->items())
        if (!is_fixed_key(key)) line[key] = value;  // a field cannot forge a fixed key
    const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(service_);
  }

 private:
  std::string service_;
};

// spdlog's default layout ("%+", colours kept), then request_id=… and the event's fields.
class TextFormatter final : public spdlog::formatter {
 public:
  TextFormatter() : layout_("%+", spdlog::pattern_time_type::local, "") {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    layout_.format(msg, dest);
    if (!request_id_of_thread.empty()) append_field(dest, "request_id", request_id_of_thread);
    if (event_fields != nullptr && event_fields->is_object())
      for (const auto& [key, value] : event_fields->items()) append_field(dest, key, value);
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }

 private:
  static void append_field(spdlog::memory_buf_t& dest, const std::string& key,
                           const nlohmann::json& value) {
    std::string text = " " + key + "=";
    if (value.is_string() && is_bare_word(value.get_ref<const std::string&>()))
      text += value.get_ref<const std::string&>();
    else
      text += to_json_text(value);
    dest.append(text.data(), text.data() + text.size());
  }

  spdlog::pattern_formatter layout_;
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::text;
  if (name == "json") return LogFormat::json;
  return std::nullopt;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(std::string service, LogFormat format) {
  if (format == LogFormat::json) return std::make_unique<JsonFormatter>(std::move(service));
  return std::make_unique<TextFormatter>();
}

void configure_logging(const std::string& service, LogFormat format) {
  spdlog::default_logger()->set_formatter(make_log_formatter(service, format));
}

RequestIdScope::RequestIdScope(std::string request_id)
    : previous_(std::exchange(request_id_of_thread, std::move(request_id))) {}

RequestIdScope::~RequestIdScope() {
  request_id_of_thread = std::move(previous_);
}

const std::string& current_request_id() {
  return request_id_of_thread;
}

void log_event(spdlog::level::level_enum level, std::string_view event,
               const nlohmann::json& fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  const nlohmann::json* outer = std::exchange(event_fields, &fields);
  logger->log(level, "{}", event);
  event_fields = outer;
}

}  // namespace omega::common
