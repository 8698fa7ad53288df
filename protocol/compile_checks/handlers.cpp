// The compiler's half of the new-message checklist (docs/RECIPES.md): compiled by
// protocol/compile_checks/run.cmake once with every case present, which must compile, and once
// per OMEGA_LEAVE_OUT case, which must not. If the broken builds compile, a new message type
// could be received and dropped without a handler, or sent by a client with no rate limit.
#include "protocol/messages.hpp"

namespace protocol = omega::protocol;

#ifdef OMEGA_LEAVE_OUT_RATE
// A client message that forgot its kRate.
struct Unrated {
  static constexpr protocol::MessageType kType = protocol::MessageType::hello;
};
using Client = std::variant<protocol::Hello, Unrated>;
#else
using Client = protocol::ClientMessage;
#endif

int main() {
  protocol::ServerMessage message;
  int handled = 0;
  std::visit(protocol::Handlers{
                 [&](const protocol::Welcome&) { ++handled; },
                 [&](const protocol::GameEvent&) { ++handled; },
                 [&](const protocol::ActionConfirm&) { ++handled; },
                 [&](const protocol::ActionReject&) { ++handled; },
                 [&](const protocol::Heartbeat&) { ++handled; },
                 [&](const protocol::Transfer&) { ++handled; },
                 [&](const protocol::ChatMessage&) { ++handled; },
                 [&](const protocol::Inventory&) { ++handled; },
#ifndef OMEGA_LEAVE_OUT_HANDLER
                 [&](const protocol::Kick&) { ++handled; },
#endif
             },
             message);
  const Client client;
  return handled + static_cast<int>(protocol::rate_class(client));
}
