// Support for the API's world and tournament integration tests: zone processes simulated
// (RegistryWriter writes registry entries into Redis the way zone processes do,
// FakeZoneControl stands in for a zone's control port: records POST /instances, registers
// the instance, answers 201), players with a character, and `verified`, which checks a
// minted ticket against the dev seed. Test-only code.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/directory.hpp"
#include "api/integration_test_support.hpp"
#include "api/redis_pool.hpp"
#include "protocol/ticket.hpp"

namespace omega::api::testing {

inline const std::string kSeed = [] {
  std::string seed;
  for (int i = 0; i < 32; ++i) seed += "0d";  // the dev seed of scripts/run-local
  return seed;
}();

inline int capacity_of(const std::string& zone) {
  if (zone.rfind("rift", 0) == 0) return 5;
  if (zone.rfind("hub", 0) == 0) return 500;
  return 100;
}

inline std::string kind_of(const std::string& zone) {
  if (zone.rfind("rift", 0) == 0) return "rift";
  if (zone.rfind("hub", 0) == 0) return "hub";
  return "field";
}

// Writes registry entries the way zone processes do.
class RegistryWriter {
 public:
  RegistryWriter(const std::string& redis_url, std::string prefix)
      : redis_(redis_url, 2, std::chrono::milliseconds(2000)), prefix_(std::move(prefix)) {}

  void instance(const std::string& zone, std::uint32_t number, int players,
                std::int64_t expires_ms = 0, std::optional<std::int64_t> party_id = std::nullopt,
                const std::string& process = "p1") {
    const nlohmann::json entry = {
        {"zone", zone},
        {"instance", number},
        {"proc", process},
        {"ws_url", "ws://127.0.0.1:8081/z/" + zone + "/" + std::to_string(number)},
        {"players", players},
        {"capacity", capacity_of(zone)},
        {"kind", kind_of(zone)},
        {"party_id", party_id ? nlohmann::json(*party_id) : nlohmann::json()},
        {"expires_ms", expires_ms ? expires_ms : now_ms() + 10'000}};
    redis_.command(
        {"HSET", prefix_ + "instances", zone + ":" + std::to_string(number), entry.dump()});
  }

  void process(const std::string& id, const std::string& control_url,
               const std::vector<std::string>& zones) {
    const nlohmann::json entry = {{"id", id},
                                  {"ws_url", "ws://127.0.0.1:8081"},
                                  {"control_url", control_url},
                                  {"zones", zones},
                                  {"expires_ms", now_ms() + 10'000}};
    redis_.command({"HSET", prefix_ + "zoneprocs", id, entry.dump()});
  }

  RedisValue command(const RedisCommand& args) { return redis_.command(args); }
  const std::string& prefix() const { return prefix_; }

 private:
  RedisPool redis_;
  std::string prefix_;
};

// A stand-in for a zone process' control port: records POST /instances, registers the
// instance in Redis (as a zone does before answering) and answers 201.
class FakeZoneControl {
 public:
  explicit FakeZoneControl(RegistryWriter& registry) : registry_(registry) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener_, 16) != 0)
      throw std::runtime_error("fake zone control: cannot listen");
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeZoneControl() {
    stopping_ = true;
    thread_.join();
    close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<nlohmann::json> opened() const {
    std::lock_guard lock(mutex_);
    return opened_;
  }
  std::vector<std::string> authorizations() const {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      answer(client);
      close(client);
    }
  }

  void answer(int client) {
    std::string request;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    std::size_t body_length = 0;
    while (header_end == std::string::npos || request.size() < header_end + 4 + body_length) {
      pollfd readable{client, POLLIN, 0};
      if (poll(&readable, 1, 2000) <= 0) return;
      const auto n = recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos &&
          (header_end = request.find("\r\n\r\n")) != std::string::npos) {
        auto lower = request.substr(0, header_end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto length = lower.find("content-length:");
        if (length != std::string::npos) body_length = std::stoul(lower.substr(length + 15));
      }
    }
    const auto body =
        nlohmann::json::parse(request.substr(header_end + 4, body_length), nullptr, false);
    std::string authorization;
    if (const auto at = request.find("Authorization: "); at != std::string::npos)
      authorization = request.substr(at + 15, request.find("\r\n", at) - at - 15);
    const bool is_open = request.rfind("POST /instances ", 0) == 0 && body.is_object();
    std::string response_body;
    if (is_open) {
      const auto zone = body["zone"].get<std::string>();
      const auto number = body["instance"].get<std::uint32_t>();
      std::optional<std::int64_t> party;
      if (body["party_id"].is_number_integer()) party = body["party_id"].get<std::int64_t>();
      registry_.instance(zone, number, 0, 0, party, "fake");
      response_body =
          nlohmann::json{{"zone", zone},
                         {"instance", number},
                         {"ws_url", "ws://127.0.0.1:8081/z/" + zone + "/" + std::to_string(number)}}
              .dump();
      std::lock_guard lock(mutex_);
      opened_.push_back(body);
      authorizations_.push_back(authorization);
    }
    const std::string response =
        std::string(is_open ? "HTTP/1.1 201 Created" : "HTTP/1.1 404 Not Found") +
        "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
        std::to_string(response_body.size()) + "\r\n\r\n" + response_body;
    send(client, response.data(), response.size(), MSG_NOSIGNAL);
  }

  RegistryWriter& registry_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<nlohmann::json> opened_;
  std::vector<std::string> authorizations_;
};

inline std::string decode_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

inline protocol::JoinTicket verified(const nlohmann::json& seat) {
  const auto key = protocol::ticket_key_from_seed(*protocol::from_hex<32>(kSeed));
  protocol::JoinTicket ticket;
  const auto now = static_cast<std::uint64_t>(now_ms() / 1000);
  EXPECT_EQ(protocol::verify_ticket(decode_hex(seat["ticket"]), key.public_key, now, ticket),
            protocol::TicketError::none);
  return ticket;
}

struct Player {
  std::string token;
  std::int64_t account_id = 0;
  std::int64_t character_id = 0;
};

// Registers an account and creates a warrior named `name` on it.
inline Player make_player(TestApi& api, const std::string& name) {
  const auto login = api.register_and_login("acct_" + unique_suffix());
  Player created;
  created.token = login["access_token"];
  created.account_id = login["account_id"];
  const auto character =
      api.post("/v1/characters", {{"name", name}, {"class", "warrior"}}, created.token);
  if (character.status != 201) throw std::runtime_error(character.body);
  created.character_id = character.json()["character"]["id"];
  return created;
}

}  // namespace omega::api::testing
