#include "zone/config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace omega::zone {
namespace {

const std::string kKey(64, 'a');

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ZoneConfig, DefaultsNeedOnlyTheKey) {
  auto result = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey}}));
  ASSERT_TRUE(result.ok()) << result.error;
  const ZoneConfig& c = *result.config;
  EXPECT_EQ(c.port, 8081);
  EXPECT_EQ(c.http_port, 9081);
  EXPECT_EQ(c.map, "hub_city_1");
  EXPECT_EQ(c.zone_name(), "hub_city_1");
  EXPECT_EQ(c.tick_hz, 30u);
  EXPECT_EQ(c.snapshot_hz, 15u);
  EXPECT_EQ(c.view_radius, 24.0f);
  EXPECT_EQ(c.full_rate_radius, 24.0f);  // defaults to the view radius
  EXPECT_EQ(c.ticket_public_key[0], 0xaa);
  // Limits fit for a public address (issue 13), not for 10,000 bots on one IP.
  EXPECT_EQ(c.max_connections_per_ip, 32u);
  EXPECT_EQ(c.max_pending_per_ip, 8u);
  EXPECT_EQ(c.max_pending_connections, 1024u);
  EXPECT_EQ(c.max_connections, 0u);
  EXPECT_EQ(c.slow_client_timeout_s, 5.0);
  EXPECT_EQ(c.send_io, SendIo::io_uring);

  auto missing = load_zone_config("", env_of({}));
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.error.find("ticket_public_key"), std::string::npos);
}

TEST(ZoneConfig, EnvironmentOverridesTheFile) {
  const std::string toml = R"(
ticket_public_key = ")" + kKey +
                           R"("
port = 7000
map = "open:300"
view_radius = 30.5
spawn = "random"
fast_ack = false
max_connections_per_ip = 4
max_pending_per_ip = 2
slow_client_timeout_s = 2.5
send_io = "sendmsg"
)";
  auto result = load_zone_config(
      "", env_of({{"OMEGA_ZONE_PORT", "0"}, {"OMEGA_ZONE_VIEW_RADIUS", "inf"}}), toml);
  ASSERT_TRUE(result.ok()) << result.error;
  const ZoneConfig& c = *result.config;
  EXPECT_EQ(c.port, 0);
  EXPECT_TRUE(c.view_is_infinite());
  EXPECT_TRUE(std::isinf(c.full_rate_radius));
  EXPECT_EQ(c.zone_name(), "open");
  EXPECT_EQ(c.open_field_width(), 300);
  EXPECT_EQ(c.spawn, SpawnMode::random);
  EXPECT_FALSE(c.fast_ack);
  EXPECT_EQ(c.max_connections_per_ip, 4u);
  EXPECT_EQ(c.max_pending_per_ip, 2u);
  EXPECT_EQ(c.slow_client_timeout_s, 2.5);
  EXPECT_EQ(c.send_io, SendIo::sendmsg);
}

TEST(ZoneConfig, BadValuesGiveClearErrors) {
  auto result = load_zone_config("",
                                 env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", "xyz"},
                                         {"OMEGA_ZONE_PORT", "70000"},
                                         {"OMEGA_ZONE_TICK_HZ", "fast"},
                                         {"OMEGA_ZONE_SPAWN", "everywhere"},
                                         {"OMEGA_ZONE_SEND_IO", "aio"},
                                         {"OMEGA_ZONE_MAP", "open:3"},
                                         {"OMEGA_ZONE_TRUSTED_PROXIES", "10.0.0.0/99"}}),
                                 std::string("view_margin = -1\nbogus = 1\n"));
  ASSERT_FALSE(result.ok());
  for (const char* needle : {"OMEGA_ZONE_TICKET_PUBLIC_KEY: expected 64 hex",
                             "OMEGA_ZONE_PORT: must be in [0, 65535], got 70000",
                             "OMEGA_ZONE_TICK_HZ: expected an integer, got 'fast'",
                             "OMEGA_ZONE_SPAWN: expected point or random",
                             "OMEGA_ZONE_SEND_IO: expected sendmsg or io_uring, got 'aio'",
                             "OMEGA_ZONE_MAP:", "view_margin: must be in", "bogus: unknown option",
                             "OMEGA_ZONE_TRUSTED_PROXIES: bad prefix length in '10.0.0.0/99'"})
    EXPECT_NE(result.error.find(needle), std::string::npos) << needle << "\n" << result.error;
}

TEST(ZoneConfig, LogLevelAndFormat) {
  const auto load = [](std::map<std::string, std::string> vars) {
    vars["OMEGA_ZONE_TICKET_PUBLIC_KEY"] = kKey;
    return load_zone_config("", env_of(std::move(vars)));
  };
  const auto defaults = load({});
  ASSERT_TRUE(defaults.ok()) << defaults.error;
  EXPECT_EQ(defaults.config->log_level, "info");
  EXPECT_EQ(defaults.config->log_format, "text");
  const auto set = load({{"OMEGA_ZONE_LOG_LEVEL", "debug"}, {"OMEGA_ZONE_LOG_FORMAT", "json"}});
  ASSERT_TRUE(set.ok()) << set.error;
  EXPECT_EQ(set.config->log_level, "debug");
  EXPECT_EQ(set.config->log_format, "json");
  const auto bad = load({{"OMEGA_ZONE_LOG_LEVEL", "loud"}, {"OMEGA_ZONE_LOG_FORMAT", "xml"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("OMEGA_ZONE_LOG_LEVEL: expected trace"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("OMEGA_ZONE_LOG_FORMAT: expected text or json"), std::string::npos)
      << bad.error;
}

TEST(ZoneConfig, SecretsAndAdvertisedUrlsForContainers) {
  const std::string token_path = testing::TempDir() + "omega-zone-service-token";
  std::ofstream(token_path) << "token-from-a-docker-secret\n";
  auto result =
      load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                   {"OMEGA_ZONE_API_URL", "http://api:8080"},
                                   {"OMEGA_ZONE_SERVICE_TOKEN_FILE", token_path},
                                   {"OMEGA_ZONE_HOST", "0.0.0.0"},
                                   {"OMEGA_ZONE_PUBLIC_WS_URL", "wss://play.example.com/zp/zone-a"},
                                   {"OMEGA_ZONE_CONTROL_URL", "http://zone-a:9081/"}}));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config->service_token, "token-from-a-docker-secret");
  EXPECT_EQ(result.config->public_ws_url, "wss://play.example.com/zp/zone-a");
  EXPECT_EQ(result.config->control_url, "http://zone-a:9081");

  auto both = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                           {"OMEGA_ZONE_SERVICE_TOKEN", "x"},
                                           {"OMEGA_ZONE_SERVICE_TOKEN_FILE", token_path}}));
  EXPECT_FALSE(both.ok());
  EXPECT_NE(both.error.find("OMEGA_ZONE_SERVICE_TOKEN_FILE are both set"), std::string::npos)
      << both.error;
  auto unreadable =
      load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY_FILE", "/nonexistent/key"}}));
  EXPECT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.error.find("OMEGA_ZONE_TICKET_PUBLIC_KEY_FILE: /nonexistent/key"),
            std::string::npos)
      << unreadable.error;
  auto not_http = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                               {"OMEGA_ZONE_CONTROL_URL", "zone-a:9081"}}));
  EXPECT_FALSE(not_http.ok());
  std::remove(token_path.c_str());
}

TEST(ZoneConfig, TomlSyntaxErrorNamesTheLine) {
  auto result = load_zone_config("", env_of({}), std::string("port = 1\nview_radius = = 3\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find(":2:"), std::string::npos) << result.error;
}

TEST(ZoneConfig, SnapshotRateCannotExceedTickRate) {
  auto result = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                             {"OMEGA_ZONE_TICK_HZ", "10"},
                                             {"OMEGA_ZONE_SNAPSHOT_HZ", "20"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error.find("snapshot_hz"), std::string::npos);
}

TEST(ZoneConfig, AgonesIsOnWhenItsSdkPortVariableIsSet) {
  auto off = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey}}));
  ASSERT_TRUE(off.ok()) << off.error;
  EXPECT_FALSE(off.config->on_agones());

  auto on = load_zone_config("",
                             env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                     {"AGONES_SDK_HTTP_PORT", "9358"},
                                     {"OMEGA_ZONE_AGONES_HEALTH_INTERVAL_S", "0.5"},
                                     {"OMEGA_ZONE_AGONES_PLAYER_CAPACITY", "800"}}),
                             std::string("agones_sdk_http_port = 1234\n"));
  ASSERT_TRUE(on.ok()) << on.error;
  EXPECT_TRUE(on.config->on_agones());
  EXPECT_EQ(on.config->agones_sdk_http_port, 9358);  // Agones' own variable wins
  EXPECT_EQ(on.config->agones_health_interval_s, 0.5);
  EXPECT_EQ(on.config->agones_player_capacity, 800u);
  EXPECT_EQ(on.config->agones_instance_capacity, 64u);
}

TEST(ZoneConfig, GamePortsStayOffTheAgonesSidecarsPorts) {
  for (const char* port : {"8080", "9357", "9358", "7000"}) {
    auto result = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                               {"AGONES_SDK_HTTP_PORT", "7000"},
                                               {"OMEGA_ZONE_HTTP_PORT", port}}));
    ASSERT_FALSE(result.ok()) << port;
    EXPECT_NE(result.error.find("http_port: " + std::string(port)), std::string::npos)
        << result.error;
  }
  // Off Agones nothing else listens in the process's network namespace.
  EXPECT_TRUE(load_zone_config(
                  "", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey}, {"OMEGA_ZONE_PORT", "8080"}}))
                  .ok());
}

TEST(ZoneConfig, OpenNoneStartsWithoutInstancesAndNeedsHosts) {
  auto result = load_zone_config("", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey},
                                             {"OMEGA_ZONE_OPEN", "none"},
                                             {"OMEGA_ZONE_HOSTS", "hub_city_1,forest"},
                                             {"OMEGA_ZONE_CONTROL_URL", "http://10.0.0.7:9081/"}}));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.config->startup_instances().empty());
  EXPECT_EQ(result.config->control_url, "http://10.0.0.7:9081");
  auto alone = load_zone_config(
      "", env_of({{"OMEGA_ZONE_TICKET_PUBLIC_KEY", kKey}, {"OMEGA_ZONE_OPEN", "none"}}));
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.error.find("needs hosts"), std::string::npos) << alone.error;
}

}  // namespace
}  // namespace omega::zone
