// Applies a sequence of StateUpdate messages to one long-lived client WorldView, as a hostile
// or broken zone could send them. Input: u32 welcome tick, then [u16 length][message]...
// After every message, error or not, the view must hold sorted, unique ids within its limit.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "protocol/snapshot.hpp"

using namespace omega::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint32_t welcome_tick = data[0] | data[1] << 8 | data[2] << 16 | uint32_t(data[3]) << 24;
  WorldView view(welcome_tick);
  size_t at = 4;
  while (at + 2 <= size) {
    const size_t length = std::min<size_t>(data[at] | data[at + 1] << 8, size - at - 2);
    at += 2;
    view.apply(std::span<const uint8_t>(data + at, length));
    at += length;
    uint32_t previous = 0;
    for (const EntityBaseline& b : view.entities().entries()) {
      if (b.state.id <= previous || b.state.id > kMaxEntityId) std::abort();
      previous = b.state.id;
    }
    if (view.entities().size() > kMaxEntitiesInView) std::abort();
  }
  return 0;
}
