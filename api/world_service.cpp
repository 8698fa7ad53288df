#include "api/world_service.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/friend_service.hpp"
#include "api/party_service.hpp"
#include "api/presence.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {
// A zone process checkpoints one instance per request; the biggest instance holds 500.
constexpr std::size_t kMaxCheckpointRecords = 1000;

ApiError character_not_found() {
  return ApiError(404, "not_found", "no such character");
}

ApiError stale_epoch() {
  return ApiError(409, "stale_epoch", "the character's lease moved on: another session holds it");
}

// A string field that may be missing, null or empty (all three mean "not given").
std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           std::size_t max_bytes) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  auto text = require_string(body, field, 0, max_bytes);
  if (text.empty()) return std::nullopt;
  return text;
}

template <class T>
nlohmann::json nullable(const pqxx::field& field) {
  return field.is_null() ? nlohmann::json() : nlohmann::json(field.as<T>());
}

nlohmann::json claimed_character(const pqxx::row& row, const pqxx::result& items) {
  auto inventory = nlohmann::json::array();
  auto equipped = nlohmann::json::array();
  for (const auto& item : items) {
    inventory.push_back(
        {{"item_id", item[0].as<std::string>()}, {"quantity", item[1].as<std::int64_t>()}});
    if (item[2].as<bool>()) equipped.push_back(item[0].as<std::string>());
  }
  return {{"id", row[1].as<std::int64_t>()},
          {"account_id", row[2].as<std::int64_t>()},
          {"name", row[3].as<std::string>()},
          {"class", row[4].as<std::string>()},
          {"level", row[5].as<int>()},
          {"experience", row[6].as<std::int64_t>()},
          {"zone", row[7].as<std::string>()},
          {"x", nullable<double>(row[8])},
          {"y", nullable<double>(row[9])},
          {"spawn", nullable<std::string>(row[10])},
          {"hp", nullable<int>(row[11])},
          {"mana", nullable<int>(row[12])},
          {"gold", row[13].as<std::int64_t>()},
          {"items", inventory},
          {"equipped", equipped}};
}

}  // namespace

WorldService::WorldService(ServiceContext context, AuthService& auth, const WorldTopology& world,
                           InstanceRegistry& registry, DirectoryService& directory,
                           LeaderboardService& leaderboards)
    : context_(context),
      auth_(auth),
      world_(world),
      registry_(registry),
      directory_(directory),
      leaderboards_(leaderboards) {}

void WorldService::register_routes(Router& router) {
  router.add(Method::post, "/v1/play", [this](const HttpRequest& r) { return play(r); });
  router.add(
      Method::post, "/internal/v1/leases/claim", [this](const HttpRequest& r) { return claim(r); },
      {}, Access::service);
  router.add(
      Method::post, "/internal/v1/checkpoints",
      [this](const HttpRequest& r) { return checkpoints(r); }, {}, Access::service);
  router.add(
      Method::post, "/internal/v1/transfers", [this](const HttpRequest& r) { return transfer(r); },
      {}, Access::service);
}

SeatRequest WorldService::seat_request(pqxx::transaction_base& transaction,
                                       std::int64_t character_id,
                                       std::optional<std::int64_t> account_id,
                                       std::optional<std::string> zone) {
  const auto rows = transaction.exec_params(
      "SELECT account_id, zone, lease_epoch, lease_zone, lease_instance, lease_released FROM "
      "characters "
      "WHERE id = $1",
      character_id);
  if (rows.empty() || (account_id && rows[0][0].as<std::int64_t>() != *account_id))
    throw character_not_found();
  const auto& row = rows[0];
  SeatRequest request;
  request.account_id = row[0].as<std::int64_t>();
  request.character_id = character_id;
  request.lease_epoch = row[2].as<std::int64_t>();
  // A saved zone the world no longer has (renamed, removed): start over in the start zone.
  request.zone = zone.value_or(world_.find(row[1].as<std::string>()) ? row[1].as<std::string>()
                                                                     : world_.start_zone);
  if (!world_.find(request.zone))
    throw ApiError(400, "unknown_zone", "no such zone: " + request.zone);
  if (!row[5].as<bool>() && !row[3].is_null() && !row[4].is_null() &&
      row[3].as<std::string>() == request.zone)
    request.held_instance = row[4].as<std::uint32_t>();
  const int stale_s = context_.config.lease_stale_s;
  auto party = party_context(transaction, character_id, request.zone, stale_s);
  request.party_id = party.party_id;
  request.party_instances = std::move(party.member_instances);
  request.friend_instances = friend_instances(transaction, character_id, request.zone, stale_s);
  return request;
}

HttpResponse WorldService::play(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto body = parse_object_body(request);
  const auto character_id = require_integer(body, "character_id", 1, INT64_MAX);
  const auto zone = optional_string(body, "zone", 32);
  const auto seat = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    return seat_request(read, character_id, account_id, zone);
  });
  auto answer = directory_.seat(seat);
  // Entering another zone than the saved one starts at its default spawn point. Only once
  // seated: a refused zone must not become the character's saved zone.
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    transaction.exec_params(
        "UPDATE characters SET zone = $2, position_x = NULL, position_y = NULL, spawn = NULL "
        "WHERE id = $1 AND zone <> $2",
        character_id, seat.zone);
    transaction.commit();
  });
  return json_response(200, answer);
}

HttpResponse WorldService::claim(const HttpRequest& request) {
  auth_.require_service(request);
  const auto body = parse_object_body(request);
  const auto character_id = require_integer(body, "character_id", 1, INT64_MAX);
  const auto account_id = require_integer(body, "account_id", 1, INT64_MAX);
  const auto zone = require_string(body, "zone", 1, 32);
  const auto instance = static_cast<std::uint32_t>(require_integer(body, "instance", 0, INT32_MAX));
  const auto ticket_epoch = require_integer(body, "ticket_epoch", 0, INT64_MAX);
  bool logged_in = false;  // a log-in (not a zone transfer, not a resume): friends hear of it
  const auto character = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    // A log-in: the lease was released by a log-out (or never claimed), or is still held by a
    // zone that stopped writing it (crashed) — not a transfer, not a resume.
    const auto before = transaction.exec_params(
        "SELECT CASE WHEN lease_released THEN logged_out_at IS NOT NULL OR lease_epoch = 0 ELSE "
        "NOT " +
            live_lease_sql("characters", context_.config.lease_stale_s) +
            " END FROM characters WHERE id = $1 AND lease_epoch = $2 FOR UPDATE",
        character_id, ticket_epoch);
    logged_in = !before.empty() && before[0][0].as<bool>();
    // One statement: of two claims with the same ticket epoch exactly one matches.
    const auto rows = transaction.exec_params(
        "UPDATE characters SET lease_epoch = lease_epoch + 1, lease_zone = $3, lease_instance = "
        "$4, "
        "lease_released = false, lease_heartbeat_at = now(), checkpoint_seq = 0, logged_out_at = "
        "NULL WHERE id = $1 AND "
        "account_id = $2 AND lease_epoch = $5 "
        "RETURNING lease_epoch, id, account_id, name, class, level, experience, zone, position_x, "
        "position_y, "
        "spawn, hp, mana, gold",
        character_id, account_id, zone, static_cast<std::int64_t>(instance), ticket_epoch);
    if (rows.empty()) {
      if (transaction
              .exec_params("SELECT 1 FROM characters WHERE id = $1 AND account_id = $2",
                           character_id, account_id)
              .empty())
        throw character_not_found();
      throw ApiError(409, "stale_ticket", "a newer ticket for this character was claimed");
    }
    // A ticket minted before a ban must not bring the player back (the claim is undone with the
    // transaction). The zone enforces a mute in chat and routes party chat by the party.
    const auto standing = transaction.exec_params(
        "SELECT (banned_at IS NOT NULL AND (banned_until IS NULL OR banned_until > now())), "
        "CASE WHEN muted_until > now() THEN ceil(extract(epoch FROM muted_until))::bigint END, "
        "(SELECT party_id FROM party_members WHERE character_id = $2) "
        "FROM accounts WHERE id = $1",
        account_id, character_id);
    if (!standing.empty() && standing[0][0].as<bool>())
      throw ApiError(403, "account_banned", "this account is banned");
    const auto items = transaction.exec_params(
        "SELECT item_id, sum(quantity), bool_or(equipped) FROM inventory_items WHERE character_id "
        "= $1 GROUP BY item_id ORDER BY item_id",
        character_id);
    nlohmann::json answer = {{"lease_epoch", rows[0][0].as<std::int64_t>()},
                             {"character", claimed_character(rows[0], items)}};
    answer["character"]["muted_until"] =
        standing.empty() ? nlohmann::json() : nullable<std::int64_t>(standing[0][1]);
    answer["character"]["party_id"] =
        standing.empty() ? nlohmann::json() : nullable<std::int64_t>(standing[0][2]);
    transaction.commit();
    return answer;
  });
  try {
    registry_.release_reservation(zone, instance, character_id);
  } catch (const ServiceUnavailable& error) {
    // The reservation expires by itself within the ticket TTL; the claim stands.
    spdlog::warn("claim: reservation of {} not released: {}", character_id, error.what());
  }
  if (logged_in) announce_presence(context_, character_id, zone);
  return json_response(200, character);
}

HttpResponse WorldService::checkpoints(const HttpRequest& request) {
  auth_.require_service(request);
  const auto body = parse_object_body(request);
  const auto characters = body.find("characters");
  if (characters == body.end()) throw ApiError(422, "missing_field", "characters is required");
  if (!characters->is_array() || characters->size() > kMaxCheckpointRecords)
    throw ApiError(422, "invalid_field", "characters must be an array of at most 1000 records");
  std::vector<CheckpointRecord> records;
  for (const auto& object : *characters)
    records.push_back(parse_checkpoint_record(object, world_, context_.content));

  auto results = nlohmann::json::array();
  bool any_stale = false;
  for (const auto& record : records) {
    // One transaction per character: one stale session must not block the others' progress.
    const auto status = context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      const auto outcome = apply_checkpoint(transaction, record, leaderboards_);
      transaction.commit();
      return outcome;
    });
    any_stale = any_stale || status == CheckpointStatus::stale_epoch;
    // A releasing checkpoint is a log-out (a zone transfer releases through transfer()).
    if (status == CheckpointStatus::ok && record.release)
      announce_presence(context_, record.character_id, std::nullopt);
    results.push_back(
        {{"character_id", record.character_id}, {"status", checkpoint_status_name(status)}});
  }
  return json_response(any_stale ? 409 : 200, {{"results", results}});
}

HttpResponse WorldService::transfer(const HttpRequest& request) {
  auth_.require_service(request);
  const auto body = parse_object_body(request);
  const auto checkpoint = body.find("checkpoint");
  if (checkpoint == body.end()) throw ApiError(422, "missing_field", "checkpoint is required");
  const auto record = parse_checkpoint_record(*checkpoint, world_, context_.content);
  const auto target_zone = require_string(body, "target_zone", 1, 32);
  const auto target_spawn = optional_string(body, "target_spawn", 64);
  if (!world_.find(target_zone))
    throw ApiError(400, "unknown_zone", "no such zone: " + target_zone);

  // 1. The checkpoint commits on its own: whatever happens next, the progress is kept.
  const auto seat = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    if (apply_checkpoint(transaction, record, leaderboards_) == CheckpointStatus::stale_epoch)
      throw stale_epoch();
    auto seat = seat_request(transaction, record.character_id, std::nullopt, target_zone);
    transaction.commit();
    return seat;
  });
  if (seat.lease_epoch != record.lease_epoch) throw stale_epoch();
  // 2. Seat in the target zone. A refusal leaves the lease held: the zone keeps the player.
  auto answer = directory_.seat(seat);
  // 3. Move and release, fenced: if a claim bumped the epoch meanwhile, the ticket is void.
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto moved = transaction.exec_params(
        "UPDATE characters SET zone = $2, position_x = NULL, position_y = NULL, spawn = $3, "
        "lease_released = true, logged_out_at = NULL "
        "WHERE id = $1 AND lease_epoch = $4 RETURNING 1",
        record.character_id, target_zone, target_spawn, record.lease_epoch);
    if (moved.empty()) throw stale_epoch();
    transaction.commit();
  });
  return json_response(200, answer);
}

}  // namespace omega::api
