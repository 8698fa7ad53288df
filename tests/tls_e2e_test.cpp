// TLS end to end without Docker (issue 14): a real omega-zone behind a local TLS terminator
// (socat, the way the deployment's proxy terminates TLS) with a dev CA made by
// deployment/scripts/make-certs for `localhost`. The bots' WebSocket (wss://) and HTTP client
// (https://), and the desktop client's WebSocketTransport and HttpClient, must
//   - connect and play with the private CA (--ca-file),
//   - refuse the same server without the CA (unknown issuer),
//   - refuse it under a name the certificate does not carry (127.0.0.1: the host check, here
//     for an address; the deploy test covers DNS names and SNI at the proxy).
// Label e2e; about 5 s.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bots/http_client.hpp"
#include "bots/swarm.hpp"
#include "bots/zone_e2e_support.hpp"
#include "bots/zone_process.hpp"
#include "protocol/messages.hpp"
#include "tests/world_stack.hpp"

#if OMEGA_TLS_TEST_CLIENT
#include "client/http_client.hpp"
#include "client/websocket_transport.hpp"
#endif

extern char** environ;

namespace omega::e2e {
namespace {

namespace fs = std::filesystem;
using bots::testing::ZoneProcess;

// socat terminating TLS on 127.0.0.1:port() and forwarding the bytes to 127.0.0.1:target.
class TlsFront {
 public:
  TlsFront(const fs::path& certs, uint16_t target) : port_(free_port()) {
    const std::string listen =
        "OPENSSL-LISTEN:" + std::to_string(port_) +
        ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + (certs / "server.pem").string() +
        ",key=" + (certs / "server.key").string();
    const std::string connect = "TCP:127.0.0.1:" + std::to_string(target);
    std::vector<std::string> args = {"socat", "-lp", "tls-front", listen, connect};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // socat logs every refused handshake, which is what these tests provoke: quiet it.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "socat", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~TlsFront() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  // True once the front accepts connections (socat is running and listening).
  bool ready() const {
    for (int i = 0; i < 100 && pid_ > 0; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port_);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
      close(fd);
      if (ok) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

// A zone behind two TLS fronts (WebSocket port, HTTP side port) with a dev CA for localhost.
class TlsE2e : public testing::Test {
 protected:
  void SetUp() override {
    certs_ = fs::temp_directory_path() / ("omega-tls-e2e-" + std::to_string(getpid()));
    fs::remove_all(certs_);
    const std::string make_certs =
        "deployment/scripts/make-certs --dir " + certs_.string() + " localhost >/dev/null";
    ASSERT_EQ(std::system(make_certs.c_str()), 0) << "make-certs failed (openssl missing?)";
    ASSERT_EQ(std::system("command -v socat >/dev/null"), 0)
        << "socat is missing (scripts/install-deps installs it)";
    zone_ = bots::testing::start_zone(bots::testing::zone_env("hub_city_1"));
    ASSERT_NE(zone_, nullptr);
    ws_front_ = std::make_unique<TlsFront>(certs_, zone_->ws_port());
    http_front_ = std::make_unique<TlsFront>(certs_, zone_->http_port());
    ASSERT_TRUE(ws_front_->ready() && http_front_->ready()) << "socat did not start";
  }
  void TearDown() override {
    ws_front_.reset();
    http_front_.reset();
    zone_.reset();
    fs::remove_all(certs_);
  }

  std::string ca() const { return (certs_ / "ca.pem").string(); }
  std::string wss(const std::string& host) const {
    return "wss://" + host + ":" + std::to_string(ws_front_->port()) + "/";
  }
  std::string https(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(http_front_->port());
  }

  bots::SwarmReport run_bots(const std::string& url, const std::string& ca_file) {
    bots::SwarmConfig config = bots::testing::swarm_config(*zone_, "hub_city_1", 2, 1.0);
    const auto address = bots::parse_ws_url(url);
    config.host = address->host;
    config.port = address->port;
    config.path = address->path;
    config.tls = address->tls;
    config.ca_file = ca_file;
    config.join_timeout_s = 3.0;
    return bots::run_swarm(config);
  }

  fs::path certs_;
  std::unique_ptr<ZoneProcess> zone_;
  std::unique_ptr<TlsFront> ws_front_, http_front_;
};

std::string reasons(const bots::SwarmReport& report) {
  std::string out;
  for (const auto& [reason, count] : report.disconnects)
    out += reason + " ×" + std::to_string(count) + "; ";
  return out;
}

TEST_F(TlsE2e, BotsPlayOverWssWithThePrivateCaAndRefuseWrongNamesAndUnknownCas) {
  const bots::SwarmReport good = run_bots(wss("localhost"), ca());
  EXPECT_EQ(good.welcomed, 2u) << reasons(good);
  EXPECT_GT(good.window_snapshots, 0u);

  const bots::SwarmReport wrong_name = run_bots(wss("127.0.0.1"), ca());
  EXPECT_EQ(wrong_name.welcomed, 0u);
  EXPECT_NE(reasons(wrong_name).find("certificate verify failed"), std::string::npos)
      << reasons(wrong_name);

  const bots::SwarmReport no_ca = run_bots(wss("localhost"), "");
  EXPECT_EQ(no_ca.welcomed, 0u);
  EXPECT_NE(reasons(no_ca).find("certificate verify failed"), std::string::npos) << reasons(no_ca);
}

TEST_F(TlsE2e, TheBotsHttpClientVerifiesCertificateAndHostName) {
  auto endpoint = *bots::parse_http_url(https("localhost"));
  endpoint.ca_file = ca();
  const auto ok = bots::http_get(endpoint, "/healthz");
  EXPECT_EQ(ok.status, 200) << ok.error;

  auto by_ip = *bots::parse_http_url(https("127.0.0.1"));
  by_ip.ca_file = ca();
  const auto mismatch = bots::http_get(by_ip, "/healthz");
  EXPECT_EQ(mismatch.status, 0);
  EXPECT_NE(mismatch.error.find("IP address mismatch"), std::string::npos) << mismatch.error;

  const auto unknown = bots::http_get(*bots::parse_http_url(https("localhost")), "/healthz");
  EXPECT_EQ(unknown.status, 0);
  EXPECT_NE(unknown.error.find("certificate verify failed"), std::string::npos) << unknown.error;

  // The container health probe speaks TLS too.
  std::string message;
  EXPECT_FALSE(common::check_health(https("localhost") + "/healthz", message)) << message;
}

#if OMEGA_TLS_TEST_CLIENT
// Connects the client's transport to `url`, sends a Hello with a dev ticket and waits for the
// first event that decides: a Welcome (returns "welcome") or a close (returns its reason).
std::string client_join(const std::string& url, const std::string& ca_file) {
  client::WebSocketTransport transport(ca_file);
  transport.connect(url);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    client::TransportEvent event;
    if (!transport.poll(0.0, event)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (event.kind == client::TransportEvent::Kind::closed) return event.reason;
    if (event.kind == client::TransportEvent::Kind::connected) {
      protocol::JoinTicket ticket;
      ticket.account_id = ticket.character_id = 7;
      ticket.zone = "hub_city_1";
      ticket.instance_id = 1;
      ticket.lease_epoch = 1;
      ticket.expires_at_unix = uint64_t(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count()) +
                               60;
      protocol::randomize_nonce(ticket);
      protocol::Hello hello;
      hello.ticket = protocol::sign_ticket(ticket, bots::testing::dev_key());
      std::vector<uint8_t> bytes;
      protocol::encode_message(hello, bytes);
      transport.send(std::move(bytes));
    }
    if (event.kind == client::TransportEvent::Kind::message) {
      protocol::MessageType type;
      if (protocol::peek_type(event.bytes, type) == protocol::DecodeError::none &&
          type == protocol::MessageType::welcome)
        return "welcome";
    }
  }
  return "timeout";
}

TEST_F(TlsE2e, TheClientJoinsOverWssWithThePrivateCaAndRefusesAWrongHostName) {
  EXPECT_EQ(client_join(wss("localhost"), ca()), "welcome");
  const std::string wrong_name = client_join(wss("127.0.0.1"), ca());
  EXPECT_NE(wrong_name.find("IP address mismatch"), std::string::npos) << wrong_name;
  const std::string no_ca = client_join(wss("localhost"), "");
  EXPECT_NE(no_ca.find("certificate verify failed"), std::string::npos) << no_ca;
}

TEST_F(TlsE2e, TheClientsHttpClientVerifiesCertificateAndHostName) {
  const auto fetch = [](const std::string& base, const std::string& ca_file) {
    client::HttpClient http(base, ca_file);
    http.submit({"GET", "/healthz", "", ""});
    client::HttpResult result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!http.poll(result) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return result;
  };
  const auto ok = fetch(https("localhost"), ca());
  EXPECT_EQ(ok.status, 200) << ok.error;
  const auto mismatch = fetch(https("127.0.0.1"), ca());
  EXPECT_EQ(mismatch.status, 0);
  EXPECT_NE(mismatch.error.find("IP address mismatch"), std::string::npos) << mismatch.error;
}
#endif

}  // namespace
}  // namespace omega::e2e
