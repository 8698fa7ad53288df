#include "api/character_events.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.hpp"

namespace omega::api {

namespace {

// A lost push is logged: the zone's view is off until the character's next claim reloads it.
void publish_event(const ServiceContext& context, const nlohmann::json& event, const char* what) {
  try {
    context.redis.command({"PUBLISH", context.redis_key("character_events"), event.dump()});
  } catch (const ServiceUnavailable& error) {
    spdlog::warn("character_events: {} push lost: {}", what, error.what());
  }
}

}  // namespace

void publish_mute(const ServiceContext& context, std::int64_t account_id,
                  std::int64_t muted_until_unix) {
  publish_event(context,
                {{"kind", "mute"}, {"account_id", account_id}, {"muted_until", muted_until_unix}},
                "mute");
}

void publish_party_change(const ServiceContext& context, std::int64_t character_id,
                          std::int64_t party_id) {
  publish_event(context,
                {{"kind", "party"}, {"character_id", character_id}, {"party_id", party_id}},
                "party");
}

void publish_notice(const ServiceContext& context, const std::vector<std::int64_t>& character_ids,
                    const std::string& text) {
  publish_event(context, {{"kind", "notice"}, {"character_ids", character_ids}, {"text", text}},
                "notice");
}

void publish_character_changes(const ServiceContext& context,
                               const std::vector<CharacterChange>& changes) {
  for (const auto& change : changes) {
    if (!change.lease_held) continue;
    auto items = nlohmann::json::array();
    for (const auto& item : change.items)
      items.push_back({{"item_id", item.item_id}, {"delta", item.delta}});
    publish_event(context,
                  {{"character_id", change.character_id},
                   {"gold_delta", change.gold_delta},
                   {"items_delta", items}},
                  "market");
  }
}

}  // namespace omega::api
