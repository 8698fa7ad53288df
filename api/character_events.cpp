#include "api/character_events.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/errors.hpp"

namespace omega::api {

void publish_character_changes(const ServiceContext& context,
                               const std::vector<CharacterChange>& changes) {
  const auto channel = context.redis_key("character_events");
  for (const auto& change : changes) {
    if (!change.lease_held) continue;
    auto items = nlohmann::json::array();
    for (const auto& item : change.items)
      items.push_back({{"item_id", item.item_id}, {"delta", item.delta}});
    const nlohmann::json event = {{"character_id", change.character_id},
                                  {"gold_delta", change.gold_delta},
                                  {"items_delta", items}};
    try {
      context.redis.command({"PUBLISH", channel, event.dump()});
    } catch (const ServiceUnavailable& error) {
      // Nothing is lost for good: the zone's view is off until the character's next claim
      // reloads it.
      spdlog::warn("character_events: push for character {} lost: {}", change.character_id,
                   error.what());
    }
  }
}

}  // namespace omega::api
