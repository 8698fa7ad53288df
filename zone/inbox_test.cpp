// Inbox: the bounded network → simulation queue, and the /metrics counter of what it drops.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "zone/connection.hpp"
#include "zone/network.hpp"
#include "zone/zone_metrics.hpp"

namespace omega::zone {
namespace {

InboundEvent event(InboundEvent::Kind kind, ConnectionId connection) {
  InboundEvent e;
  e.kind = kind;
  e.connection = connection;
  return e;
}

uint64_t dropped_in_metrics(ZoneMetrics& metrics) {
  const std::string body = http_route("GET", "/metrics", metrics).body;
  const std::string name = "\nomega_zone_inbound_dropped_total ";
  const size_t at = body.find(name);
  if (at == std::string::npos) return ~uint64_t{0};
  return std::stoull(body.substr(at + name.size()));
}

TEST(Inbox, OverflowedQueueDropsMessagesAndCountsThemInMetrics) {
  ZoneMetrics metrics;
  EXPECT_EQ(dropped_in_metrics(metrics), 0u) << "the counter is exported before any drop";
  Inbox inbox(&metrics.inbound_dropped, 4);
  for (ConnectionId c = 1; c <= 4; ++c)
    EXPECT_TRUE(inbox.push(event(InboundEvent::Kind::message, c)));
  for (ConnectionId c = 5; c <= 7; ++c)
    EXPECT_FALSE(inbox.push(event(InboundEvent::Kind::message, c)));
  // Connect/disconnect events are never dropped (the simulation's bookkeeping stays exact).
  EXPECT_TRUE(inbox.push(event(InboundEvent::Kind::disconnected, 1)));
  EXPECT_TRUE(inbox.push(event(InboundEvent::Kind::connected, 8)));
  EXPECT_EQ(dropped_in_metrics(metrics), 3u);

  std::vector<InboundEvent> drained;
  inbox.drain(drained);
  ASSERT_EQ(drained.size(), 6u);
  EXPECT_EQ(drained[3].connection, 4u);
  EXPECT_EQ(drained[4].kind, InboundEvent::Kind::disconnected);
  // Drained: room again, and the counter keeps its total.
  drained.clear();
  EXPECT_TRUE(inbox.push(event(InboundEvent::Kind::message, 9)));
  EXPECT_FALSE(Inbox(&metrics.inbound_dropped, 0).push(event(InboundEvent::Kind::message, 10)));
  EXPECT_EQ(dropped_in_metrics(metrics), 4u);
}

}  // namespace
}  // namespace omega::zone
