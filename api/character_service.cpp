#include "api/character_service.hpp"

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

// Bounds the character cache; a miss costs one PostgreSQL round trip.
constexpr std::size_t kCharacterCacheEntries = 100'000;

constexpr const char* kCharacterColumns =
    "c.id, c.account_id, c.name, c.class, c.level, c.experience, c.zone, c.position_x, "
    "c.position_y, c.stats::text, c.gold, to_char(c.created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

nlohmann::json character_json(const pqxx::row& row) {
  nlohmann::json character = {
      {"id", row[0].as<std::int64_t>()},
      {"name", row[2].as<std::string>()},
      {"class", row[3].as<std::string>()},
      {"level", row[4].as<int>()},
      {"experience", row[5].as<std::int64_t>()},
      {"zone", row[6].as<std::string>()},
      {"position", nullptr},
      {"stats", nlohmann::json::parse(row[9].as<std::string>())},
      {"gold", row[10].as<std::int64_t>()},
      {"created_at", row[11].as<std::string>()},
  };
  if (!row[7].is_null() && !row[8].is_null())
    character["position"] = {{"x", row[7].as<double>()}, {"y", row[8].as<double>()}};
  return character;
}

ApiError character_not_found() {
  return ApiError(404, "not_found", "no such character");
}

std::int64_t character_id_of(const HttpRequest& request) {
  const auto it = request.path_params.find("id");
  const auto id = it == request.path_params.end() ? std::nullopt : parse_id(it->second);
  if (!id) throw character_not_found();
  return *id;
}

}  // namespace

nlohmann::json read_inventory(pqxx::transaction_base& transaction, std::int64_t character_id) {
  auto inventory = nlohmann::json::array();
  for (const auto& row : transaction.exec_params(
           "SELECT slot, item_id, quantity, equipped FROM inventory_items WHERE character_id = $1 "
           "ORDER BY slot",
           character_id))
    inventory.push_back({{"slot", row[0].as<int>()},
                         {"item", row[1].as<std::string>()},
                         {"quantity", row[2].as<int>()},
                         {"equipped", row[3].as<bool>()}});
  return inventory;
}

CharacterService::CharacterService(ServiceContext context, AuthService& auth,
                                   DeletionHook deletion_hook)
    : context_(context),
      auth_(auth),
      deletion_hook_(std::move(deletion_hook)),
      characters_(std::chrono::milliseconds(context.config.character_cache_ms),
                  kCharacterCacheEntries) {}

void CharacterService::register_routes(Router& router) {
  router.add(Method::post, "/v1/characters", [this](const HttpRequest& r) { return create(r); });
  router.add(Method::get, "/v1/characters", [this](const HttpRequest& r) { return list(r); });
  router.add(
      Method::get, "/v1/characters/{id}", [this](const HttpRequest& r) { return get(r); },
      [this](const HttpRequest& r) { return get_cached(r); });
  router.add(Method::del, "/v1/characters/{id}",
             [this](const HttpRequest& r) { return remove(r); });
}

HttpResponse CharacterService::create(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto body = parse_object_body(request);
  const auto name = require_string(body, "name", 1, 64);
  const auto class_id = require_string(body, "class", 1, 64);
  if (!valid_character_name(name))
    throw ApiError(422, "invalid_name",
                   "name must be a letter then 2-15 letters or digits (A-Z, 0-9)");
  const auto* definition = context_.content.find_class(class_id);
  if (!definition) throw ApiError(422, "unknown_class", "no such class: " + class_id);

  const auto created = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    // Serialises this account's creations so the per-account maximum holds under races.
    transaction.exec_params("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", account_id);
    const auto count =
        transaction
            .exec_params("SELECT count(*) FROM characters WHERE account_id = $1", account_id)[0][0]
            .as<int>();
    if (count >= context_.config.max_characters_per_account)
      throw ApiError(409, "character_limit", "this account has the maximum number of characters");
    const auto inserted = transaction.exec_params(
        std::string("INSERT INTO characters AS c (account_id, name, class, zone, stats) "
                    "VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING RETURNING ") +
            kCharacterColumns,
        account_id, name, definition->id, definition->starting_zone, definition->stats.dump());
    if (inserted.empty()) throw ApiError(409, "name_taken", "that character name is taken");
    auto character = character_json(inserted[0]);
    int slot = 0;
    for (const auto& item : definition->starting_items) {
      transaction.exec_params(
          "INSERT INTO inventory_items (character_id, slot, item_id, quantity, equipped) "
          "VALUES ($1, $2, $3, $4, $5)",
          character["id"].get<std::int64_t>(), slot++, item.item, item.quantity, item.equipped);
    }
    transaction.commit();
    auto inventory = nlohmann::json::array();
    slot = 0;
    for (const auto& item : definition->starting_items)
      inventory.push_back({{"slot", slot++},
                           {"item", item.item},
                           {"quantity", item.quantity},
                           {"equipped", item.equipped}});
    character["inventory"] = std::move(inventory);
    return character;
  });
  return json_response(201, {{"character", created}});
}

HttpResponse CharacterService::list(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto characters = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    auto out = nlohmann::json::array();
    for (const auto& row :
         read.exec_params(std::string("SELECT ") + kCharacterColumns +
                              " FROM characters c WHERE c.account_id = $1 ORDER BY c.id",
                          account_id))
      out.push_back(character_json(row));
    return out;
  });
  return json_response(200, {{"characters", characters},
                             {"max_characters", context_.config.max_characters_per_account}});
}

std::optional<HttpResponse> CharacterService::get_cached(const HttpRequest& request) const {
  const auto account_id = auth_.authenticate_cached(request);
  if (!account_id) return std::nullopt;
  const auto cached = characters_.get(character_id_of(request));
  if (!cached) return std::nullopt;
  return owner_view(*cached, *account_id);
}

HttpResponse CharacterService::owner_view(const CachedCharacter& character,
                                          std::int64_t account_id) {
  if (character.owner != account_id) throw character_not_found();
  HttpResponse response;
  response.body = *character.body;
  return response;
}

HttpResponse CharacterService::get(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto character_id = character_id_of(request);
  auto found =
      context_.database.run([&](pqxx::connection& connection) -> std::optional<CachedCharacter> {
        pqxx::read_transaction read(connection);
        const auto rows = read.exec_params(
            std::string("SELECT ") + kCharacterColumns + " FROM characters c WHERE c.id = $1",
            character_id);
        if (rows.empty()) return std::nullopt;
        auto character = character_json(rows[0]);
        character["inventory"] = read_inventory(read, character_id);
        const nlohmann::json body = {{"character", character}};
        return CachedCharacter{rows[0][1].as<std::int64_t>(),
                               std::make_shared<const std::string>(body.dump())};
      });
  if (!found) throw character_not_found();
  characters_.put(character_id, *found);
  return owner_view(*found, account_id);
}

HttpResponse CharacterService::remove(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto character_id = character_id_of(request);
  std::function<void()> after_commit;
  const bool deleted = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto owned = transaction.exec_params(
        "SELECT 1 FROM characters WHERE id = $1 AND account_id = $2 FOR UPDATE", character_id,
        account_id);
    if (owned.empty()) return false;
    if (deletion_hook_) after_commit = deletion_hook_(transaction, character_id);
    const auto rows = transaction.exec_params(
        "DELETE FROM characters WHERE id = $1 AND account_id = $2 RETURNING id", character_id,
        account_id);
    transaction.commit();
    return !rows.empty();
  });
  if (!deleted) throw character_not_found();
  characters_.erase(character_id);
  if (after_commit) after_commit();
  return no_content();
}

}  // namespace omega::api
