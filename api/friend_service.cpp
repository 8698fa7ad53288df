#include "api/friend_service.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/character_events.hpp"
#include "api/errors.hpp"
#include "api/presence.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

// The other side of a friendships row, as seen from $1.
constexpr const char* kOtherSide =
    "CASE WHEN f.requester_id = $1 THEN f.addressee_id ELSE f.requester_id END";

std::int64_t path_id(const HttpRequest& request, const char* name, const char* what) {
  const auto it = request.path_params.find(name);
  const auto id = it == request.path_params.end() ? std::nullopt : parse_id(it->second);
  if (!id) throw ApiError(404, "not_found", std::string("no such ") + what);
  return *id;
}

// The path's character, checked to belong to the caller; FOR UPDATE serialises one
// character's friend changes, so the list's size limit holds.
std::int64_t own_character(pqxx::transaction_base& transaction, const HttpRequest& request,
                           std::int64_t account_id, bool lock) {
  const auto character_id = path_id(request, "id", "character");
  const std::string query = std::string(
                                "SELECT 1 FROM characters WHERE id = $1 AND "
                                "account_id = $2") +
                            (lock ? " FOR UPDATE" : "");
  if (transaction.exec_params(query, character_id, account_id).empty())
    throw ApiError(404, "not_found", "no such character");
  return character_id;
}

// One entry of the list: presence (online, zone) only between friends; a pending request
// tells the other side nothing about where one plays.
nlohmann::json entry_json(const pqxx::row& row) {
  const bool accepted = row[4].as<bool>();
  const bool outgoing = row[5].as<bool>();
  const bool online = accepted && row[6].as<bool>();
  return {{"character_id", row[0].as<std::int64_t>()},
          {"name", row[1].as<std::string>()},
          {"class", row[2].as<std::string>()},
          {"level", row[3].as<int>()},
          {"status", accepted   ? "friend"
                     : outgoing ? "outgoing"
                                : "incoming"},
          {"online", online},
          {"zone", online ? nlohmann::json(row[7].as<std::string>()) : nlohmann::json()}};
}

std::string entries_query(const std::string& where, int lease_stale_s) {
  return "SELECT c.id, c.name, c.class, c.level, f.accepted, f.requester_id = $1, (" +
         live_lease_sql("c", lease_stale_s) +
         " AND c.lease_zone IS NOT NULL), c.lease_zone FROM friendships f JOIN characters c ON "
         "c.id = " +
         kOtherSide + " WHERE (f.requester_id = $1 OR f.addressee_id = $1)" + where;
}

nlohmann::json entry_of(pqxx::transaction_base& transaction, std::int64_t character_id,
                        std::int64_t other_id, int lease_stale_s) {
  const auto rows = transaction.exec_params(entries_query(" AND c.id = $2", lease_stale_s),
                                            character_id, other_id);
  if (rows.empty()) throw ApiError(404, "not_found", "no such friend or request");
  return entry_json(rows[0]);
}

std::string name_of(pqxx::transaction_base& transaction, std::int64_t character_id) {
  return transaction.exec_params("SELECT name FROM characters WHERE id = $1", character_id)[0][0]
      .as<std::string>();
}

// A line for `to`, should a zone hold it.
void notify(const ServiceContext& context, std::int64_t to, const std::string& text) {
  publish_notice(context, {to}, text);
}

}  // namespace

std::vector<std::uint32_t> friend_instances(pqxx::transaction_base& transaction,
                                            std::int64_t character_id, const std::string& zone,
                                            int lease_stale_s) {
  std::vector<std::uint32_t> instances;
  for (const auto& row : transaction.exec_params(
           std::string("SELECT c.lease_instance FROM friendships f JOIN characters c ON c.id = ") +
               kOtherSide +
               " WHERE (f.requester_id = $1 OR f.addressee_id = $1) AND f.accepted AND " +
               live_lease_sql("c", lease_stale_s) +
               " AND c.lease_zone = $2 AND c.lease_instance IS NOT NULL",
           character_id, zone))
    instances.push_back(row[0].as<std::uint32_t>());
  return instances;
}

void announce_presence(const ServiceContext& context, std::int64_t character_id,
                       const std::optional<std::string>& zone) {
  std::string name;
  std::vector<std::int64_t> online;
  try {
    context.database.run([&](pqxx::connection& connection) {
      pqxx::read_transaction read(connection);
      const auto me = read.exec_params("SELECT name FROM characters WHERE id = $1", character_id);
      if (me.empty()) return;  // deleted meanwhile: nobody to announce
      name = me[0][0].as<std::string>();
      online.clear();
      for (const auto& row :
           read.exec_params(std::string("SELECT c.id FROM friendships f JOIN characters c ON "
                                        "c.id = ") +
                                kOtherSide +
                                " WHERE (f.requester_id = $1 OR f.addressee_id = $1) AND "
                                "f.accepted AND " +
                                live_lease_sql("c", context.config.lease_stale_s),
                            character_id))
        online.push_back(row[0].as<std::int64_t>());
    });
  } catch (const ServiceUnavailable& error) {
    spdlog::warn("friends: {} logged {}, not announced: {}", character_id, zone ? "in" : "out",
                 error.what());
    return;
  }
  if (online.empty()) return;
  publish_notice(context, online,
                 zone ? name + " is online (" + *zone + ")." : name + " went offline.");
}

FriendService::FriendService(ServiceContext context, AuthService& auth)
    : context_(context), auth_(auth) {}

void FriendService::register_routes(Router& router) {
  router.add(Method::get, "/v1/characters/{id}/friends",
             [this](const HttpRequest& r) { return list(r); });
  router.add(Method::post, "/v1/characters/{id}/friends",
             [this](const HttpRequest& r) { return add(r); });
  router.add(Method::post, "/v1/characters/{id}/friends/{friend_id}/accept",
             [this](const HttpRequest& r) { return accept(r); });
  router.add(Method::del, "/v1/characters/{id}/friends/{friend_id}",
             [this](const HttpRequest& r) { return remove(r); });
}

HttpResponse FriendService::list(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto friends = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    const auto character_id = own_character(read, request, account_id, false);
    auto entries = nlohmann::json::array();
    // Friends first, online ones first, then requests; by name within each.
    for (const auto& row :
         read.exec_params(entries_query(" ORDER BY f.accepted DESC, 7 DESC, lower(c.name)",
                                        context_.config.lease_stale_s),
                          character_id))
      entries.push_back(entry_json(row));
    return entries;
  });
  return json_response(200, {{"friends", friends}});
}

HttpResponse FriendService::add(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto body = parse_object_body(request);
  const auto name = require_string(body, "name", 1, 64);
  bool accepted_theirs = false;
  std::int64_t other_id = 0;
  std::string own_name;
  const auto entry = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto character_id = own_character(transaction, request, account_id, true);
    const auto other =
        transaction.exec_params("SELECT id FROM characters WHERE lower(name) = lower($1)", name);
    if (other.empty()) throw ApiError(404, "not_found", "no character is called " + name);
    other_id = other[0][0].as<std::int64_t>();
    if (other_id == character_id)
      throw ApiError(422, "self_friend", "a character cannot befriend itself");
    const auto existing = transaction.exec_params(
        "SELECT requester_id, accepted FROM friendships WHERE (requester_id = $1 AND "
        "addressee_id = $2) OR (requester_id = $2 AND addressee_id = $1) FOR UPDATE",
        character_id, other_id);
    if (!existing.empty()) {
      if (existing[0][1].as<bool>())
        throw ApiError(409, "already_friends", "you are already friends");
      if (existing[0][0].as<std::int64_t>() == character_id)
        throw ApiError(409, "already_requested", "the request is already waiting for an answer");
      // They asked us first: asking back is accepting.
      transaction.exec_params(
          "UPDATE friendships SET accepted = true WHERE requester_id = $2 AND addressee_id = $1",
          character_id, other_id);
      accepted_theirs = true;
    } else {
      const auto count =
          transaction
              .exec_params(
                  "SELECT count(*) FROM friendships WHERE requester_id = $1 OR addressee_id = $1",
                  character_id)[0][0]
              .as<int>();
      if (count >= kMaxFriends)
        throw ApiError(409, "too_many_friends",
                       "at most 100 friends and requests; remove some first");
      // The pair's unique index decides a race of two crossing requests: the loser is told
      // and finds the winner's request in its list, to accept.
      try {
        transaction.exec_params(
            "INSERT INTO friendships (requester_id, addressee_id) VALUES ($1, $2)", character_id,
            other_id);
      } catch (const pqxx::unique_violation&) {
        throw ApiError(409, "already_requested",
                       "the other character asked at the same moment; list your friends");
      }
    }
    own_name = name_of(transaction, character_id);
    auto view = entry_of(transaction, character_id, other_id, context_.config.lease_stale_s);
    transaction.commit();
    return view;
  });
  notify(context_, other_id,
         accepted_theirs ? own_name + " accepted your friend request."
                         : own_name + " wants to be your friend.");
  return json_response(accepted_theirs ? 200 : 201, entry);
}

HttpResponse FriendService::accept(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto other_id = path_id(request, "friend_id", "friend request");
  std::string own_name;
  bool changed = false;
  const auto entry = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto character_id = own_character(transaction, request, account_id, true);
    const auto request_row = transaction.exec_params(
        "SELECT accepted FROM friendships WHERE requester_id = $2 AND addressee_id = $1 FOR "
        "UPDATE",
        character_id, other_id);
    if (request_row.empty()) {
      // Accepting twice answers the same; accepting one's own request is not a thing.
      if (transaction
              .exec_params("SELECT 1 FROM friendships WHERE accepted AND requester_id = $1 AND "
                           "addressee_id = $2",
                           character_id, other_id)
              .empty())
        throw ApiError(404, "not_found", "no friend request from that character");
    } else if (!request_row[0][0].as<bool>()) {
      transaction.exec_params(
          "UPDATE friendships SET accepted = true WHERE requester_id = $2 AND addressee_id = $1",
          character_id, other_id);
      changed = true;
    }
    own_name = name_of(transaction, character_id);
    auto view = entry_of(transaction, character_id, other_id, context_.config.lease_stale_s);
    transaction.commit();
    return view;
  });
  if (changed) notify(context_, other_id, own_name + " accepted your friend request.");
  return json_response(200, entry);
}

HttpResponse FriendService::remove(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto other_id = path_id(request, "friend_id", "friend");
  context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto character_id = own_character(transaction, request, account_id, true);
    if (transaction
            .exec_params("DELETE FROM friendships WHERE (requester_id = $1 AND addressee_id = $2) "
                         "OR (requester_id = $2 AND addressee_id = $1) RETURNING 1",
                         character_id, other_id)
            .empty())
      throw ApiError(404, "not_found", "no such friend or request");
    transaction.commit();
  });
  return no_content();
}

}  // namespace omega::api
