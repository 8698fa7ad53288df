// What a committed operation did to a character's gold and items, and its push on Redis
// ({prefix}character_events) to the zone holding the character's lease, which applies it in
// memory (zone MarketDelta, ZoneServer::apply_market) so its next checkpoint stays consistent.
// The market and the admin console's grants and removals share this one path; mutes, party
// changes and notices (friends' news) travel on the same channel (zone SocialUpdate).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/service_context.hpp"

namespace omega::api {

struct ItemDelta {
  std::string item_id;
  std::int64_t delta = 0;
};

// What an operation did to one character, for the push to the zone holding its lease.
struct CharacterChange {
  std::int64_t character_id = 0;
  bool lease_held = false;  // a zone holds the character's lease (lease_released = false)
  std::int64_t gold_delta = 0;
  std::vector<ItemDelta> items;
};

// Publishes the changes of characters whose lease is held, after their transaction committed.
// A lost push is logged, never thrown: PostgreSQL has the truth and checkpoints carry deltas.
void publish_character_changes(const ServiceContext& context,
                               const std::vector<CharacterChange>& changes);

// A mute (or unmute: `muted_until_unix` 0) of `account_id`, for the zones' chat.
void publish_mute(const ServiceContext& context, std::int64_t account_id,
                  std::int64_t muted_until_unix);
// `character_id` is now in `party_id` (0 = none), for the zones' party chat.
void publish_party_change(const ServiceContext& context, std::int64_t character_id,
                          std::int64_t party_id);
// A system chat line for each of `character_ids` that a zone holds (friends' news).
void publish_notice(const ServiceContext& context, const std::vector<std::int64_t>& character_ids,
                    const std::string& text);

}  // namespace omega::api
