#include "api/party_service.hpp"

#include <nlohmann/json.hpp>

#include "api/character_events.hpp"
#include "api/errors.hpp"
#include "api/presence.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

ApiError party_not_found() {
  return ApiError(404, "not_found", "no such party");
}

std::int64_t party_id_of(const HttpRequest& request) {
  const auto it = request.path_params.find("id");
  const auto id = it == request.path_params.end() ? std::nullopt : parse_id(it->second);
  if (!id) throw party_not_found();
  return *id;
}

nlohmann::json party_json(pqxx::transaction_base& transaction, std::int64_t party_id) {
  const auto party =
      transaction.exec_params("SELECT leader_id FROM parties WHERE id = $1", party_id);
  if (party.empty()) throw party_not_found();
  auto members = nlohmann::json::array();
  for (const auto& row :
       transaction.exec_params("SELECT m.character_id, c.name FROM party_members m JOIN characters "
                               "c ON c.id = m.character_id "
                               "WHERE m.party_id = $1 ORDER BY m.joined_at, m.character_id",
                               party_id))
    members.push_back(
        {{"character_id", row[0].as<std::int64_t>()}, {"name", row[1].as<std::string>()}});
  // `invites` (ids) predates `invitees` and stays for existing clients.
  auto invites = nlohmann::json::array();
  auto invitees = nlohmann::json::array();
  for (const auto& row :
       transaction.exec_params("SELECT i.character_id, c.name FROM party_invites i JOIN "
                               "characters c ON c.id = i.character_id "
                               "WHERE i.party_id = $1 ORDER BY i.invited_at, i.character_id",
                               party_id)) {
    invites.push_back(row[0].as<std::int64_t>());
    invitees.push_back(
        {{"character_id", row[0].as<std::int64_t>()}, {"name", row[1].as<std::string>()}});
  }
  return {{"id", party_id},
          {"leader", party[0][0].as<std::int64_t>()},
          {"members", members},
          {"invites", invites},
          {"invitees", invitees}};
}

// Locks the party row: membership changes of one party are serialised, so the size limit holds.
pqxx::result lock_party(pqxx::transaction_base& transaction, std::int64_t party_id) {
  const auto party =
      transaction.exec_params("SELECT leader_id FROM parties WHERE id = $1 FOR UPDATE", party_id);
  if (party.empty()) throw party_not_found();
  return party;
}

int member_count(pqxx::transaction_base& transaction, std::int64_t party_id) {
  return transaction
      .exec_params("SELECT count(*) FROM party_members WHERE party_id = $1", party_id)[0][0]
      .as<int>();
}

// The invitee named by exactly one of `invitee` (character id) or `invitee_name` (character
// name, case-insensitive, as names are unique): 422 for both or neither, 404 for no such one.
std::int64_t invitee_of(pqxx::transaction_base& transaction, const nlohmann::json& body) {
  const bool by_id = body.contains("invitee");
  if (by_id == body.contains("invitee_name"))
    throw ApiError(422, "invalid_field", "give exactly one of invitee and invitee_name");
  const auto rows =
      by_id ? transaction.exec_params("SELECT id FROM characters WHERE id = $1",
                                      require_integer(body, "invitee", 1, INT64_MAX))
            : transaction.exec_params("SELECT id FROM characters WHERE lower(name) = lower($1)",
                                      require_string(body, "invitee_name", 1, 64));
  if (rows.empty()) throw ApiError(404, "not_found", "no such invitee");
  return rows[0][0].as<std::int64_t>();
}

bool in_any_party(pqxx::transaction_base& transaction, std::int64_t character_id) {
  return !transaction
              .exec_params("SELECT 1 FROM party_members WHERE character_id = $1", character_id)
              .empty();
}

ApiError already_in_party() {
  return ApiError(409, "already_in_party", "the character is already in a party");
}

}  // namespace

PartyContext party_context(pqxx::transaction_base& transaction, std::int64_t character_id,
                           const std::string& zone, int lease_stale_s) {
  PartyContext context;
  const auto party = transaction.exec_params(
      "SELECT party_id FROM party_members WHERE character_id = $1", character_id);
  if (party.empty()) return context;
  context.party_id = party[0][0].as<std::int64_t>();
  for (const auto& row : transaction.exec_params(
           "SELECT c.lease_instance FROM party_members m JOIN characters c ON c.id = "
           "m.character_id WHERE m.party_id = $1 AND m.character_id <> $2 AND " +
               live_lease_sql("c", lease_stale_s) +
               " AND c.lease_zone = $3 AND c.lease_instance IS NOT NULL",
           *context.party_id, character_id, zone))
    context.member_instances.push_back(row[0].as<std::uint32_t>());
  return context;
}

PartyService::PartyService(ServiceContext context, AuthService& auth)
    : context_(context), auth_(auth) {}

void PartyService::register_routes(Router& router) {
  router.add(Method::post, "/v1/parties", [this](const HttpRequest& r) { return create(r); });
  router.add(Method::get, "/v1/parties/{id}", [this](const HttpRequest& r) { return get(r); });
  router.add(Method::post, "/v1/parties/{id}/invite",
             [this](const HttpRequest& r) { return invite(r); });
  router.add(Method::post, "/v1/parties/{id}/join",
             [this](const HttpRequest& r) { return join(r); });
  router.add(Method::post, "/v1/parties/{id}/leave",
             [this](const HttpRequest& r) { return leave(r); });
}

std::int64_t PartyService::own_character(pqxx::transaction_base& transaction,
                                         std::int64_t account_id, const nlohmann::json& body) {
  const auto character_id = require_integer(body, "character_id", 1, INT64_MAX);
  // FOR UPDATE serialises one character's party changes (create + join racing each other).
  if (transaction
          .exec_params("SELECT 1 FROM characters WHERE id = $1 AND account_id = $2 FOR UPDATE",
                       character_id, account_id)
          .empty())
    throw ApiError(404, "not_found", "no such character");
  return character_id;
}

HttpResponse PartyService::create(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto body = parse_object_body(request);
  const auto party = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    const auto character_id = own_character(transaction, account_id, body);
    if (in_any_party(transaction, character_id)) throw already_in_party();
    const auto id = transaction
                        .exec_params("INSERT INTO parties (leader_id) VALUES ($1) RETURNING id",
                                     character_id)[0][0]
                        .as<std::int64_t>();
    transaction.exec_params("INSERT INTO party_members (party_id, character_id) VALUES ($1, $2)",
                            id, character_id);
    auto view = party_json(transaction, id);
    transaction.commit();
    return view;
  });
  publish_party_change(context_, require_integer(body, "character_id", 1, INT64_MAX),
                       party["id"].get<std::int64_t>());
  return json_response(201, party);
}

HttpResponse PartyService::get(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto party_id = party_id_of(request);
  const auto party = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    // Members and invitees see the party; anyone else learns nothing, not even that it exists.
    const auto involved = read.exec_params(
        "SELECT 1 FROM characters c WHERE c.account_id = $2 AND ("
        "EXISTS (SELECT 1 FROM party_members m WHERE m.party_id = $1 AND m.character_id = c.id) OR "
        "EXISTS (SELECT 1 FROM party_invites i WHERE i.party_id = $1 AND i.character_id = c.id))",
        party_id, account_id);
    if (involved.empty()) throw party_not_found();
    return party_json(read, party_id);
  });
  return json_response(200, party);
}

nlohmann::json PartyService::change_membership(const HttpRequest& request,
                                               const MembershipChange& change,
                                               CallerMembership membership) {
  const auto account_id = auth_.authenticate(request);
  const auto party_id = party_id_of(request);
  const auto body = parse_object_body(request);
  std::int64_t character_id = 0;
  auto party = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    character_id = own_character(transaction, account_id, body);
    const auto leader_id = lock_party(transaction, party_id)[0][0].as<std::int64_t>();
    change(transaction, body, party_id, character_id, leader_id);
    const bool dissolved =
        transaction.exec_params("SELECT 1 FROM parties WHERE id = $1", party_id).empty();
    auto view = dissolved ? nlohmann::json() : party_json(transaction, party_id);
    transaction.commit();
    return view;
  });
  if (membership != CallerMembership::unchanged)
    publish_party_change(context_, character_id,
                         membership == CallerMembership::joined ? party_id : 0);
  return party;
}

HttpResponse PartyService::invite(const HttpRequest& request) {
  return json_response(
      200, change_membership(request, [](pqxx::transaction_base& transaction,
                                         const nlohmann::json& body, std::int64_t party_id,
                                         std::int64_t character_id, std::int64_t leader_id) {
        if (leader_id != character_id)
          throw ApiError(403, "not_leader", "only the party leader invites");
        const auto invitee = invitee_of(transaction, body);
        if (member_count(transaction, party_id) >= kMaxPartySize)
          throw ApiError(409, "party_full", "the party is full");
        if (in_any_party(transaction, invitee)) throw already_in_party();
        transaction.exec_params(
            "INSERT INTO party_invites (party_id, character_id) VALUES ($1, $2) ON CONFLICT DO "
            "NOTHING",
            party_id, invitee);
      }));
}

HttpResponse PartyService::join(const HttpRequest& request) {
  return json_response(
      200,
      change_membership(
          request,
          [](pqxx::transaction_base& transaction, const nlohmann::json&, std::int64_t party_id,
             std::int64_t character_id, std::int64_t) {
            const auto invited = transaction.exec_params(
                "DELETE FROM party_invites WHERE party_id = $1 AND character_id = $2 RETURNING 1",
                party_id, character_id);
            if (invited.empty())
              throw ApiError(403, "not_invited", "the character is not invited to this party");
            if (member_count(transaction, party_id) >= kMaxPartySize)
              throw ApiError(409, "party_full", "the party is full");
            if (in_any_party(transaction, character_id)) throw already_in_party();
            transaction.exec_params(
                "INSERT INTO party_members (party_id, character_id) VALUES ($1, $2)", party_id,
                character_id);
          },
          CallerMembership::joined));
}

HttpResponse PartyService::leave(const HttpRequest& request) {
  change_membership(
      request,
      [](pqxx::transaction_base& transaction, const nlohmann::json&, std::int64_t party_id,
         std::int64_t character_id, std::int64_t leader_id) {
        if (transaction
                .exec_params("DELETE FROM party_members WHERE party_id = $1 AND character_id = $2 "
                             "RETURNING 1",
                             party_id, character_id)
                .empty())
          throw ApiError(404, "not_member", "the character is not in this party");
        const auto next = transaction.exec_params(
            "SELECT character_id FROM party_members WHERE party_id = $1 ORDER BY joined_at, "
            "character_id LIMIT 1",
            party_id);
        if (next.empty()) {
          transaction.exec_params("DELETE FROM parties WHERE id = $1", party_id);
        } else if (leader_id == character_id) {
          transaction.exec_params("UPDATE parties SET leader_id = $2 WHERE id = $1", party_id,
                                  next[0][0].as<std::int64_t>());
        }
      },
      CallerMembership::left);
  return no_content();
}

}  // namespace omega::api
