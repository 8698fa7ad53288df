// The ws:// (plain TCP) ZoneConnection, without Boost.Beast: the load generator's hot path.
// One epoll set per io_context (an Asio service) watches every plain connection of the swarm,
// so one Asio handler serves every socket that is ready at once instead of one handler per
// read; a read takes everything the kernel holds and hands each whole frame to the owner
// straight from the read buffer; the messages queued during a handler go out after it as one
// send per connection (frames side by side), not one send per message. wss:// connections
// stay on Beast (bots/zone_connection.cpp), which opens these for ws://.
//
// The WebSocket side is RFC 6455's client: masked frames, the upgrade's accept key checked,
// pings answered, fragmented messages joined, close frames answered and a clean close waited
// for (at most 2 s). Frames a server must not send end the connection as a read error.
//
// Thread safety: one io_context thread; every call and every event on it.
#pragma once

#include <cstddef>
#include <memory>

#include "bots/zone_connection.hpp"

namespace omega::bots {

// Starts connecting to `target` (target.tls must be false).
std::shared_ptr<ZoneConnection> open_plain_connection(boost::asio::io_context& io,
                                                      const WebSocketAddress& target, size_t bot,
                                                      ConnectionEvents& events);

}  // namespace omega::bots
