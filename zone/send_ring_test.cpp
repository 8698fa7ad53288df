#include "zone/send_ring.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

namespace omega::zone {
namespace {

// A connected pair of stream sockets, non-blocking, closed at the end.
struct Pair {
  int ours = -1, theirs = -1;
  Pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
      ours = fds[0];
      theirs = fds[1];
    }
  }
  ~Pair() {
    if (ours >= 0) ::close(ours);
    if (theirs >= 0) ::close(theirs);
  }
  std::string read_all() const {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(theirs, buffer, sizeof buffer)) > 0;) out.append(buffer, size_t(n));
    return out;
  }
};

std::unique_ptr<SendRing> make_ring(unsigned entries) {
  std::string error;
  auto ring = SendRing::create(entries, error);
  EXPECT_NE(ring, nullptr) << error;
  return ring;
}

TEST(SendRing, GatherWritesToManySocketsLeaveInOneRunEachWhole) {
  auto ring = make_ring(4);  // fewer entries than writes: three submissions
  ASSERT_NE(ring, nullptr);
  std::vector<Pair> pairs(10);
  std::vector<std::string> heads, bodies;
  std::vector<std::array<iovec, 2>> gathers(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    ASSERT_GE(pairs[i].ours, 0);
    heads.push_back("head" + std::to_string(i) + ":");
    bodies.push_back(std::string(100 + i, char('a' + i)));
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    gathers[i][0] = {heads[i].data(), heads[i].size()};
    gathers[i][1] = {bodies[i].data(), bodies[i].size()};
    ring->add(pairs[i].ours, gathers[i].data(), 2, 100 + i);
  }
  EXPECT_EQ(ring->queued(), 10u);
  std::map<uint64_t, int> results;
  const size_t calls = ring->run([&](uint64_t tag, int result) {
    EXPECT_TRUE(results.emplace(tag, result).second) << "tag " << tag << " twice";
  });
  EXPECT_GE(calls, 3u);
  EXPECT_EQ(ring->queued(), 0u);
  ASSERT_EQ(results.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(results[100 + i], int(heads[i].size() + bodies[i].size()));
    EXPECT_EQ(pairs[i].read_all(), heads[i] + bodies[i]);
  }
}

TEST(SendRing, AFullSendBufferAnswersAgainAtOnceAndAClosedPeerABrokenPipe) {
  auto ring = make_ring(8);
  ASSERT_NE(ring, nullptr);
  Pair full, closed, fine;
  const int small = 4096;
  ASSERT_EQ(::setsockopt(full.ours, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  const std::string chunk(4096, 'x');
  while (::send(full.ours, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  ::close(closed.theirs);
  closed.theirs = -1;

  std::string text = "still here";
  const iovec one{text.data(), text.size()};
  ring->add(full.ours, &one, 1, 1);
  ring->add(closed.ours, &one, 1, 2);  // MSG_NOSIGNAL: an error, not a SIGPIPE
  ring->add(fine.ours, &one, 1, 3);
  std::map<uint64_t, int> results;
  ring->run([&](uint64_t tag, int result) { results[tag] = result; });
  EXPECT_EQ(results[1], -EAGAIN);
  EXPECT_EQ(results[2], -EPIPE);
  EXPECT_EQ(results[3], int(text.size()));
  EXPECT_EQ(fine.read_all(), text);
}

TEST(SendRing, AnEmptyRunMakesNoSystemCall) {
  auto ring = make_ring(8);
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->run([](uint64_t, int) { ADD_FAILURE() << "no write was queued"; }), 0u);
}

}  // namespace
}  // namespace omega::zone
