#include "common/structured_log.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

namespace omega::common {
namespace {

// The default logger writing into a string with the formatter under test; restored after.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format) : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream_);
    sink->set_formatter(make_log_formatter("omega-test", format));
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::string text() const { return stream_.str(); }
  nlohmann::json only_json_line() const {
    const auto all = text();
    EXPECT_EQ(all.find('\n'), all.size() - 1) << "one line expected: " << all;
    return nlohmann::json::parse(all);
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(StructuredLog, ParsesTheTwoFormats) {
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_FALSE(parse_log_format("JSON"));
  EXPECT_FALSE(parse_log_format(""));
}

TEST(StructuredLog, JsonLineHasTheFixedKeysAndNoRequestIdOutsideARequest) {
  CapturedLog log(LogFormat::json);
  spdlog::warn("disk {} full", "/var");
  const auto line = log.only_json_line();
  EXPECT_EQ(line["msg"], "disk /var full");
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["service"], "omega-test");
  EXPECT_FALSE(line.contains("request_id"));
  // 2026-12-05T21:50:00.123Z
  const std::string ts = line["ts"];
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(StructuredLog, JsonEscapesQuotesNewlinesAndBadUtf8) {
  CapturedLog log(LogFormat::json);
  spdlog::info("user \"x\"\nforged line \\ \xff end");
  const auto line = log.only_json_line();
  const std::string msg = line["msg"];
  EXPECT_EQ(msg.substr(0, 22), "user \"x\"\nforged line \\");
  EXPECT_NE(msg.find("\xEF\xBF\xBD"), std::string::npos) << "invalid UTF-8 is replaced";
}

TEST(StructuredLog, RequestIdIsCarriedWhileTheScopeLivesAndRestoredAfter) {
  CapturedLog log(LogFormat::json);
  {
    RequestIdScope outer("outer-1");
    {
      RequestIdScope inner("inner-2");
      EXPECT_EQ(current_request_id(), "inner-2");
      spdlog::info("a");
    }
    EXPECT_EQ(current_request_id(), "outer-1");
  }
  EXPECT_EQ(current_request_id(), "");
  spdlog::info("b");
  std::istringstream lines(log.text());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(nlohmann::json::parse(first)["request_id"], "inner-2");
  EXPECT_FALSE(nlohmann::json::parse(second).contains("request_id"));
}

TEST(StructuredLog, EventFieldsAreTopLevelKeysAndCannotForgeFixedOnes) {
  CapturedLog log(LogFormat::json);
  RequestIdScope request("req-9");
  log_event(spdlog::level::info, "login",
            {{"account_id", 5}, {"client", "1.2.3.4"}, {"request_id", "forged"}, {"level", "x"}});
  const auto line = log.only_json_line();
  EXPECT_EQ(line["msg"], "login");
  EXPECT_EQ(line["account_id"], 5);
  EXPECT_EQ(line["client"], "1.2.3.4");
  EXPECT_EQ(line["request_id"], "req-9");
  EXPECT_EQ(line["level"], "info");
}

TEST(StructuredLog, JsonKeysStartWithTheFixedOnesAndNoFieldForgesARequestId) {
  CapturedLog log(LogFormat::json);
  log_event(spdlog::level::info, "sale", {{"aaa", 1}, {"request_id", "forged"}});
  const auto text = log.text();
  EXPECT_EQ(text.rfind("{\"ts\":", 0), 0u) << text;
  EXPECT_LT(text.find("\"msg\":"), text.find("\"aaa\":")) << text;
  EXPECT_FALSE(log.only_json_line().contains("request_id"));
}

TEST(StructuredLog, EventFieldsDoNotLeakIntoTheNextLine) {
  CapturedLog log(LogFormat::json);
  log_event(spdlog::level::info, "trade", {{"price", 10}});
  spdlog::info("plain");
  std::istringstream lines(log.text());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(nlohmann::json::parse(first)["price"], 10);
  EXPECT_FALSE(nlohmann::json::parse(second).contains("price"));
}

TEST(StructuredLog, FilteredEventsWriteNothing) {
  CapturedLog log(LogFormat::json);
  log_event(spdlog::level::trace, "loot", {{"quantity", 1}});
  EXPECT_EQ(log.text(), "");
}

TEST(StructuredLog, TextAppendsRequestIdAndFieldsQuotingWhatNeedsIt) {
  CapturedLog log(LogFormat::text);
  RequestIdScope request("req-7");
  log_event(spdlog::level::info, "login_failed",
            {{"account", "bob"}, {"reason", "bad password"}, {"attempts", 3}});
  const auto text = log.text();
  EXPECT_NE(text.find("[info] login_failed "), std::string::npos) << text;
  EXPECT_NE(text.find(" request_id=req-7"), std::string::npos) << text;
  EXPECT_NE(text.find(" account=bob"), std::string::npos) << text;
  EXPECT_NE(text.find(" reason=\"bad password\""), std::string::npos) << text;
  EXPECT_NE(text.find(" attempts=3"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

}  // namespace
}  // namespace omega::common
