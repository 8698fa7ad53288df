#include "api/checkpoints.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {
// A checkpoint covers ten seconds of play: deltas beyond these are corruption, not loot.
constexpr std::int64_t kMaxGoldDelta = 1'000'000'000;
constexpr int kMaxItemDelta = 1'000'000;
constexpr std::size_t kMaxItemDeltas = 64;
constexpr std::size_t kMaxEquipped = 3;  // weapon, chest, head
constexpr int kMaxLevel = 1000;
constexpr std::int64_t kMaxKillsDelta = 1'000'000;
// Positions are tile coordinates of maps far smaller than this.
constexpr double kMaxCoordinate = 1'000'000.0;

std::optional<double> optional_coordinate(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_number() || !std::isfinite(it->get<double>()) ||
      std::abs(it->get<double>()) > kMaxCoordinate)
    throw ApiError(422, "invalid_field", std::string(field) + " must be a finite number or null");
  return it->get<double>();
}

std::optional<int> optional_points(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return static_cast<int>(require_integer(object, field, 0, 1'000'000'000));
}

void add_items(pqxx::transaction_base& transaction, std::int64_t character_id,
               const CheckpointItemDelta& item) {
  // One unequipped stack per item: grow it, or start one in the first free slot.
  const auto grown = transaction.exec_params(
      "UPDATE inventory_items SET quantity = quantity + $3 WHERE character_id = $1 AND slot = "
      "(SELECT min(slot) FROM inventory_items WHERE character_id = $1 AND item_id = $2 AND NOT "
      "equipped) "
      "RETURNING 1",
      character_id, item.item_id, item.delta);
  if (!grown.empty()) return;
  transaction.exec_params(
      "INSERT INTO inventory_items (character_id, slot, item_id, quantity) VALUES ($1, "
      "(SELECT min(s) FROM generate_series(0, (SELECT count(*) FROM inventory_items WHERE "
      "character_id = $1)::int) s "
      " WHERE NOT EXISTS (SELECT 1 FROM inventory_items i WHERE i.character_id = $1 AND i.slot = "
      "s)), $2, $3)",
      character_id, item.item_id, item.delta);
}

void remove_items(pqxx::transaction_base& transaction, std::int64_t character_id,
                  const CheckpointItemDelta& item) {
  int remaining = -item.delta;
  const auto stacks = transaction.exec_params(
      "SELECT slot, quantity FROM inventory_items WHERE character_id = $1 AND item_id = $2 "
      "ORDER BY equipped, slot",
      character_id, item.item_id);
  for (const auto& stack : stacks) {
    if (remaining == 0) break;
    const auto slot = stack[0].as<int>();
    const auto quantity = stack[1].as<int>();
    const int taken = std::min(quantity, remaining);
    remaining -= taken;
    if (taken == quantity)
      transaction.exec_params("DELETE FROM inventory_items WHERE character_id = $1 AND slot = $2",
                              character_id, slot);
    else
      transaction.exec_params(
          "UPDATE inventory_items SET quantity = quantity - $3 WHERE character_id = $1 AND slot = "
          "$2",
          character_id, slot, taken);
  }
  // The zone removed more than the database holds (the market sold some meanwhile): clamp.
  if (remaining > 0)
    spdlog::warn("checkpoint: character {} removal of {} x{} clamped ({} missing)", character_id,
                 item.item_id, -item.delta, remaining);
}

// Marks one stack of each worn item as equipped and every other stack as not (after the item
// deltas: a worn item the zone still carries has a stack by then).
void set_equipped(pqxx::transaction_base& transaction, std::int64_t character_id,
                  const std::vector<std::string>& worn) {
  transaction.exec_params(
      "UPDATE inventory_items SET equipped = false WHERE character_id = $1 AND equipped",
      character_id);
  for (const std::string& item_id : worn)
    transaction.exec_params(
        "UPDATE inventory_items SET equipped = true WHERE character_id = $1 AND slot = (SELECT "
        "min(slot) FROM inventory_items WHERE character_id = $1 AND item_id = $2)",
        character_id, item_id);
}

}  // namespace

std::string_view checkpoint_status_name(CheckpointStatus status) {
  switch (status) {
    case CheckpointStatus::ok:
      return "ok";
    case CheckpointStatus::duplicate:
      return "duplicate";
    case CheckpointStatus::stale_epoch:
      return "stale_epoch";
  }
  return "stale_epoch";
}

CheckpointRecord parse_checkpoint_record(const nlohmann::json& object, const WorldTopology& world,
                                         const ContentCatalog& content) {
  if (!object.is_object())
    throw ApiError(422, "invalid_field", "a checkpoint record must be an object");
  CheckpointRecord record;
  record.character_id = require_integer(object, "character_id", 1, INT64_MAX);
  record.lease_epoch = require_integer(object, "lease_epoch", 0, INT64_MAX);
  record.seq = require_integer(object, "seq", 1, INT64_MAX);
  record.zone = require_string(object, "zone", 1, 32);
  if (!world.find(record.zone)) throw ApiError(422, "unknown_zone", "no such zone: " + record.zone);
  record.x = optional_coordinate(object, "x");
  record.y = optional_coordinate(object, "y");
  record.hp = optional_points(object, "hp");
  record.mana = optional_points(object, "mana");
  record.level = static_cast<int>(require_integer(object, "level", 1, kMaxLevel));
  record.experience = require_integer(object, "experience", 0, INT64_MAX);
  if (object.contains("gold_delta"))
    record.gold_delta = require_integer(object, "gold_delta", -kMaxGoldDelta, kMaxGoldDelta);
  if (const auto items = object.find("items_delta"); items != object.end() && !items->is_null()) {
    if (!items->is_array() || items->size() > kMaxItemDeltas)
      throw ApiError(422, "invalid_field", "items_delta must be an array of at most 64 objects");
    for (const auto& item : *items) {
      if (!item.is_object())
        throw ApiError(422, "invalid_field", "items_delta entries must be objects");
      CheckpointItemDelta delta{
          require_string(item, "item_id", 1, 64),
          static_cast<int>(require_integer(item, "delta", -kMaxItemDelta, kMaxItemDelta))};
      if (!content.has_item(delta.item_id))
        throw ApiError(422, "unknown_item", "no such item: " + delta.item_id);
      if (delta.delta != 0) record.items_delta.push_back(std::move(delta));
    }
  }
  if (const auto worn = object.find("equipped"); worn != object.end() && !worn->is_null()) {
    if (!worn->is_array() || worn->size() > kMaxEquipped)
      throw ApiError(422, "invalid_field", "equipped must be an array of at most 3 item ids");
    record.equipped.emplace();
    for (const auto& item : *worn) {
      if (!item.is_string() || item.get<std::string>().empty())
        throw ApiError(422, "invalid_field", "equipped entries must be item ids");
      if (!content.has_item(item.get<std::string>()))
        throw ApiError(422, "unknown_item", "no such item: " + item.get<std::string>());
      record.equipped->push_back(item.get<std::string>());
    }
  }
  if (const auto release = object.find("release"); release != object.end()) {
    if (!release->is_boolean()) throw ApiError(422, "invalid_field", "release must be a boolean");
    record.release = release->get<bool>();
  }
  if (const auto kills = object.find("kills"); kills != object.end() && !kills->is_null())
    record.kills = require_integer(object, "kills", 0, kMaxKillsDelta);
  return record;
}

CheckpointStatus apply_checkpoint(pqxx::transaction_base& transaction,
                                  const CheckpointRecord& record,
                                  LeaderboardService& leaderboards) {
  const auto rows = transaction.exec_params(
      "SELECT lease_epoch, lease_released, checkpoint_seq, gold FROM characters WHERE id = $1 FOR "
      "UPDATE",
      record.character_id);
  if (rows.empty()) return CheckpointStatus::stale_epoch;  // deleted: the zone must drop it
  const auto epoch = rows[0][0].as<std::int64_t>();
  const auto released = rows[0][1].as<bool>();
  const auto applied_seq = rows[0][2].as<std::int64_t>();
  const auto gold = rows[0][3].as<std::int64_t>();
  // A released lease accepts only the retry of the very checkpoint that released it.
  if (epoch != record.lease_epoch || (released && record.seq != applied_seq))
    return CheckpointStatus::stale_epoch;
  if (record.seq <= applied_seq) return CheckpointStatus::duplicate;

  if (gold + record.gold_delta < 0)
    spdlog::warn("checkpoint: character {} gold {} {:+} clamped at 0", record.character_id, gold,
                 record.gold_delta);
  transaction.exec_params(
      "UPDATE characters SET zone = $2, position_x = $3, position_y = $4, hp = $5, mana = $6, "
      "level = $7, "
      "experience = $8, gold = GREATEST(0, gold + $9), checkpoint_seq = $10, lease_released = $11, "
      "lease_heartbeat_at = now(), logged_out_at = CASE WHEN $11 THEN now() END "
      "WHERE id = $1",
      record.character_id, record.zone, record.x, record.y, record.hp, record.mana, record.level,
      record.experience, record.gold_delta, record.seq, record.release);
  for (const auto& item : record.items_delta) {
    if (item.delta > 0)
      add_items(transaction, record.character_id, item);
    else
      remove_items(transaction, record.character_id, item);
  }
  if (record.equipped) set_equipped(transaction, record.character_id, *record.equipped);
  // Same transaction as the seq above: a retried or fenced record never counts twice.
  if (record.kills > 0)
    leaderboards.record_scores(transaction, "monster_kills", {{record.character_id, record.kills}});
  leaderboards.record_scores(transaction, "level", {{record.character_id, record.level}});
  return CheckpointStatus::ok;
}

}  // namespace omega::api
