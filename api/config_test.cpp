#include "api/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>

namespace omega::api {
namespace {

TEST(ApiConfig, TomlThenEnvironmentOverrideDefaults) {
  Config config;
  EXPECT_EQ(config.port, 8080);
  ASSERT_EQ(apply_toml(config, R"(
[server]
port = 9000
trusted_proxies = "10.0.0.0/8, 192.0.2.10"
[database]
url = "postgresql://from-toml/omega"
[auth]
jwt_secret = "toml-secret-that-is-long-enough-123"
)"),
            "");
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.trusted_proxies, "10.0.0.0/8, 192.0.2.10");
  EXPECT_EQ(config.database_url, "postgresql://from-toml/omega");
  ASSERT_EQ(apply_environment(config, {{"OMEGA_API_PORT", "9100"},
                                       {"DATABASE_URL", "postgresql://env/omega"},
                                       {"OMEGA_MIGRATE_ON_START", "false"},
                                       {"UNRELATED", "x"}}),
            "");
  EXPECT_EQ(config.port, 9100);
  EXPECT_EQ(config.database_url, "postgresql://env/omega");
  EXPECT_FALSE(config.migrate_on_start);
  EXPECT_EQ(validate(config), "");
}

TEST(ApiConfig, SecretsComeFromFilesNamedByTheFileVariables) {
  const std::string path = testing::TempDir() + "omega-api-jwt-secret";
  std::ofstream(path) << "a-jwt-secret-from-a-docker-secret-file\n";
  Config config;
  ASSERT_EQ(apply_environment(
                config, {{"OMEGA_JWT_SECRET_FILE", path}, {"OMEGA_DATABASE_PASSWORD_FILE", path}}),
            "");
  EXPECT_EQ(config.jwt_secret, "a-jwt-secret-from-a-docker-secret-file");
  EXPECT_EQ(config.database_password, config.jwt_secret);
  EXPECT_NE(apply_environment(config, {{"OMEGA_JWT_SECRET", "x"}, {"OMEGA_JWT_SECRET_FILE", path}}),
            "")
      << "both set";
  EXPECT_NE(apply_environment(config, {{"OMEGA_SERVICE_TOKEN_FILE", "/nonexistent/token"}}), "");
  std::remove(path.c_str());
}

TEST(ApiConfig, TheDatabasePasswordIsAddedToTheUrlEncoded) {
  Config config;
  config.database_url = "postgresql://omega@db:5432/omega";
  EXPECT_EQ(database_connection_string(config), config.database_url);
  config.database_password = "p@ss word/&%";
  EXPECT_EQ(database_connection_string(config),
            "postgresql://omega@db:5432/omega?password=p%40ss%20word%2F%26%25");
  config.database_url = "postgresql://omega@db/omega?sslmode=require";
  EXPECT_EQ(database_connection_string(config),
            "postgresql://omega@db/omega?sslmode=require&password=p%40ss%20word%2F%26%25");
}

TEST(ApiConfig, BadValuesAreReported) {
  Config config;
  EXPECT_NE(apply_toml(config, "[server]\nport = \"eighty\"\n"), "");
  EXPECT_NE(apply_toml(config, "not toml ["), "");
  EXPECT_NE(apply_environment(config, {{"OMEGA_API_PORT", "80x"}}), "");
  EXPECT_NE(apply_environment(config, {{"OMEGA_MIGRATE_ON_START", "maybe"}}), "");
}

TEST(ApiConfig, ValidationRefusesUnsafeSettings) {
  Config config;
  EXPECT_NE(validate(config), "") << "no JWT secret";
  config.jwt_secret = "short";
  EXPECT_NE(validate(config), "");
  config.jwt_secret = std::string(32, 'k');
  EXPECT_EQ(validate(config), "");
  config.argon2_memory_kib = 1024;
  EXPECT_NE(validate(config), "") << "below OWASP";
}

TEST(ApiConfig, LogFormatIsTextByDefaultAndMustBeTextOrJson) {
  Config config;
  config.jwt_secret = std::string(32, 'k');
  EXPECT_EQ(config.log_format, "text");
  ASSERT_EQ(apply_environment(config, {{"OMEGA_LOG_FORMAT", "json"}}), "");
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(validate(config), "");
  ASSERT_EQ(apply_toml(config, "[log]\nformat = \"xml\"\n"), "");
  EXPECT_NE(validate(config).find("log.format"), std::string::npos);
}

TEST(ApiConfig, RetiredOptionsStopTheStartInsteadOfBeingIgnored) {
  Config config;
  const auto toml_error = apply_toml(config, "[server]\ntrust_forwarded_for = true\n");
  EXPECT_NE(toml_error.find("server.trusted_proxies"), std::string::npos) << toml_error;
  const auto env_error = apply_environment(config, {{"OMEGA_LOGIN_FAILURES_PER_IP", "1000"}});
  EXPECT_NE(env_error.find("auth.login_client_burst"), std::string::npos) << env_error;
  EXPECT_NE(apply_environment(config, {{"OMEGA_LOGIN_WINDOW", "60"}}), "");
}

TEST(ApiConfig, LoginThrottlingAndTrustedProxiesAreValidated) {
  Config config;
  config.jwt_secret = std::string(32, 'k');
  ASSERT_EQ(validate(config), "");
  ASSERT_EQ(apply_environment(config, {{"OMEGA_API_TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8"},
                                       {"OMEGA_LOGIN_FREE_FAILURES", "3"},
                                       {"OMEGA_LOGIN_CLIENT_FAILURES_PER_HOUR", "120"}}),
            "");
  EXPECT_EQ(validate(config), "");
  EXPECT_EQ(config.login_free_failures, 3);
  EXPECT_EQ(config.login_client_failures_per_hour, 120);
  config.trusted_proxies = "10.0.0.0/40";
  EXPECT_NE(validate(config), "");
  config.trusted_proxies = "load-balancer.internal";
  EXPECT_NE(validate(config), "");
  config.trusted_proxies = "";
  config.login_delay_cap_s = config.login_failure_memory_s;
  EXPECT_NE(validate(config), "") << "counts must outlive the longest wait";
  config.login_delay_cap_s = 900;
  config.login_free_failures = 0;
  EXPECT_NE(validate(config), "");
}

TEST(ApiConfig, EveryOptionHasUniqueKeyAndVariable) {
  std::set<std::string> keys, variables;
  for (const auto& option : config_options()) {
    EXPECT_TRUE(keys.insert(option.key).second) << option.key;
    EXPECT_TRUE(variables.insert(option.env).second) << option.env;
    EXPECT_FALSE(option.description.empty());
  }
}

}  // namespace
}  // namespace omega::api

namespace omega::api {
namespace {

TEST(ApiConfig, EveryOptionIsDocumentedInOperations) {
  std::ifstream file("docs/OPERATIONS.md");
  ASSERT_TRUE(file);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto section = text.find("## omega-api");
  ASSERT_NE(section, std::string::npos);
  for (const auto& option : config_options()) {
    EXPECT_NE(text.find("`" + option.key + "`", section), std::string::npos) << option.key;
    EXPECT_NE(text.find("`" + option.env + "`", section), std::string::npos) << option.env;
  }
}

}  // namespace
}  // namespace omega::api
