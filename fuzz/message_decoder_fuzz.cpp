// Feeds arbitrary bytes to both message decoders and the ticket verifier. Anything that
// decodes must re-encode to exactly the same bytes (the encoding is canonical), so the decoder
// can neither accept garbage silently nor lose a field.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "protocol/messages.hpp"
#include "protocol/ticket.hpp"

namespace {

using namespace omega::protocol;

template <class Variant>
void check_canonical(std::span<const uint8_t> input, const Variant& message) {
  std::vector<uint8_t> again;
  std::visit([&](const auto& m) { encode_message(m, again); }, message);
  if (again.size() != input.size() || !std::equal(again.begin(), again.end(), input.begin()))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  ClientMessage client;
  if (decode_client_message(input, client) == DecodeError::none) check_canonical(input, client);
  ServerMessage server;
  if (decode_server_message(input, server) == DecodeError::none) check_canonical(input, server);

  static const TicketSigningKey key = ticket_key_from_seed({});
  JoinTicket ticket;
  verify_ticket(std::string_view(reinterpret_cast<const char*>(data), size), key.public_key, 0,
                ticket);
  return 0;
}
