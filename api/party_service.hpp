// Parties (PostgreSQL): create, read, invite, join, leave. At most kMaxPartySize members; a
// character is in at most one party (a UNIQUE constraint, so it holds under races). Only
// the leader invites; only an invited character joins; when the leader leaves, the longest
// member leads; the last one out dissolves the party. The directory reads a character's
// party through `party_context` to seat party members together. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/auth_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"

namespace omega::api {

// The party as the directory sees it when seating one of its members in `zone`.
struct PartyContext {
  std::optional<std::int64_t> party_id;
  std::vector<std::uint32_t> member_instances;  // online members' instances of the zone
};
PartyContext party_context(pqxx::transaction_base& transaction, std::int64_t character_id,
                           const std::string& zone, int lease_stale_s);

class PartyService {
 public:
  // Parties beyond five do not fit a rift (capacity 5) and are not a design goal.
  static constexpr int kMaxPartySize = 5;

  PartyService(ServiceContext context, AuthService& auth);
  PartyService(const PartyService&) = delete;
  PartyService& operator=(const PartyService&) = delete;

  void register_routes(Router& router);

 private:
  HttpResponse create(const HttpRequest& request);
  HttpResponse get(const HttpRequest& request);
  HttpResponse invite(const HttpRequest& request);
  HttpResponse join(const HttpRequest& request);
  HttpResponse leave(const HttpRequest& request);

  // (transaction, body, party_id, the caller's character_id, the party's leader_id)
  using MembershipChange = std::function<void(pqxx::transaction_base&, const nlohmann::json&,
                                              std::int64_t, std::int64_t, std::int64_t)>;
  // What a change does to the caller's membership, told to the zones (party chat) after commit.
  enum class CallerMembership : std::uint8_t { unchanged, joined, left };
  // Authenticates, locks the caller's character and the party, runs `change` and commits;
  // returns the party as it is afterwards (null when the change dissolved it).
  nlohmann::json change_membership(const HttpRequest& request, const MembershipChange& change,
                                   CallerMembership membership = CallerMembership::unchanged);

  // The body's character_id, checked to belong to `account_id` (ApiError 404 otherwise).
  static std::int64_t own_character(pqxx::transaction_base& transaction, std::int64_t account_id,
                                    const nlohmann::json& body);

  ServiceContext context_;
  AuthService& auth_;
};

}  // namespace omega::api
