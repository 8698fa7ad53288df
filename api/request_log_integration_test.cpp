// Request ids and audit lines against a real PostgreSQL and Redis: X-Request-Id is echoed or
// made, and the audit events of a login carry the request's id (read from a JSON sink added
// to the default logger, the one the services log to).
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "api/integration_test_support.hpp"
#include "common/structured_log.hpp"

namespace omega::api::testing {
namespace {

using ApiRequestLogIT = FreshDatabaseTest;

// Keeps every formatted line; lines() may be called while other threads log.
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t text;
    formatter_->format(msg, text);
    lines_.emplace_back(text.data(), text.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// JSON lines of everything logged while it lives. Add it before the API starts and destroy it
// after the API stops: the default logger's sink list is not safe to change while logging.
class JsonLogCapture {
 public:
  JsonLogCapture() : sink_(std::make_shared<LineSink>()) {
    sink_->set_formatter(common::make_log_formatter("omega-api", common::LogFormat::json));
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~JsonLogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  JsonLogCapture(const JsonLogCapture&) = delete;
  JsonLogCapture& operator=(const JsonLogCapture&) = delete;

  // The lines whose msg is `event`.
  std::vector<nlohmann::json> events(const std::string& event) {
    std::vector<nlohmann::json> found;
    for (const auto& line : sink_->lines()) {
      auto json = nlohmann::json::parse(line);
      if (json.value("msg", "") == event) found.push_back(std::move(json));
    }
    return found;
  }

 private:
  std::shared_ptr<LineSink> sink_;
};

std::string header_of(const HttpResult& result, const std::string& name) {
  const auto it = result.headers.find(name);
  return it == result.headers.end() ? std::string() : it->second;
}

TEST_F(ApiRequestLogIT, ASaneRequestIdIsEchoedAndAnyOtherIsReplacedByAFreshOne) {
  auto api = start_api();
  const auto given =
      http_request(api->port(), "GET", "/healthz", "", {{"X-Request-Id", "edge-7.a_B-9"}});
  EXPECT_EQ(header_of(given, "x-request-id"), "edge-7.a_B-9");

  // Errors carry it too (the router's 404).
  const auto missing =
      http_request(api->port(), "GET", "/v1/nowhere", "", {{"X-Request-Id", "r404"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(header_of(missing, "x-request-id"), "r404");

  for (const std::string& bad :
       {std::string("has space"), std::string("semi;colon"), std::string(65, 'a')}) {
    const auto replaced = http_request(api->port(), "GET", "/healthz", "", {{"X-Request-Id", bad}});
    const auto id = header_of(replaced, "x-request-id");
    EXPECT_NE(id, bad);
    EXPECT_EQ(id.size(), 32u) << id;
  }
  EXPECT_EQ(header_of(http_request(api->port(), "GET", "/healthz", "",
                                   {{"X-Request-Id", std::string(64, 'b')}}),
                      "x-request-id"),
            std::string(64, 'b'));
  const auto first = header_of(api->get("/healthz"), "x-request-id");
  const auto second = header_of(api->get("/healthz"), "x-request-id");
  EXPECT_EQ(first.size(), 32u);
  EXPECT_NE(first, second);
}

TEST_F(ApiRequestLogIT, LoginsAndRegistrationAreAuditedWithTheRequestId) {
  JsonLogCapture log;
  {
    auto api = start_api();
    const std::string credentials = R"({"username":"Audit_1","password":"correct horse 1"})";
    const auto registered = http_request(api->port(), "POST", "/v1/auth/register", credentials,
                                         {{"X-Request-Id", "reg-1"}});
    ASSERT_EQ(registered.status, 201) << registered.body;
    const auto account_id = registered.json()["account"]["id"];
    const auto wrong = http_request(api->port(), "POST", "/v1/auth/login",
                                    R"({"username":"audit_1","password":"wrong password"})",
                                    {{"X-Request-Id", "bad-login-1"}});
    ASSERT_EQ(wrong.status, 401) << wrong.body;
    const auto login = http_request(api->port(), "POST", "/v1/auth/login", credentials,
                                    {{"X-Request-Id", "login-1"}});
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(header_of(login, "x-request-id"), "login-1");

    const auto registrations = log.events("account_registered");
    ASSERT_EQ(registrations.size(), 1u);
    EXPECT_EQ(registrations[0]["request_id"], "reg-1");
    EXPECT_EQ(registrations[0]["account_id"], account_id);
    EXPECT_EQ(registrations[0]["level"], "info");
    EXPECT_EQ(registrations[0]["service"], "omega-api");

    const auto failures = log.events("login_failed");
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0]["request_id"], "bad-login-1");
    EXPECT_EQ(failures[0]["reason"], "wrong_password");
    EXPECT_EQ(failures[0]["username"], "audit_1");
    EXPECT_EQ(failures[0]["account_id"], account_id);
    EXPECT_EQ(failures[0]["client"], "127.0.0.1");

    const auto logins = log.events("login");
    ASSERT_EQ(logins.size(), 1u);
    EXPECT_EQ(logins[0]["request_id"], "login-1");
    EXPECT_EQ(logins[0]["account_id"], account_id);
    EXPECT_EQ(logins[0]["client"], "127.0.0.1");
    EXPECT_TRUE(logins[0]["session_id"].is_string());
  }
}

}  // namespace
}  // namespace omega::api::testing
