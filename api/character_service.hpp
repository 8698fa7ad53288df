// Characters: create (name rules, class from content, starting stats, zone and items, a
// maximum per account), list, read with inventory, delete. Only the owner sees or deletes a
// character; anyone else gets 404, so ids reveal nothing. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/auth_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"
#include "api/ttl_cache.hpp"

namespace omega::api {

// A character's inventory as the API shows it: [{slot, item, quantity, equipped}] by slot.
nlohmann::json read_inventory(pqxx::transaction_base& transaction, std::int64_t character_id);

class CharacterService {
 public:
  // Called inside the deleting transaction, before the DELETE, so dependants can read what
  // they must clean up; the returned action runs after the commit (leaderboard cache upkeep).
  using DeletionHook = std::function<std::function<void()>(pqxx::transaction_base&, std::int64_t)>;

  CharacterService(ServiceContext context, AuthService& auth, DeletionHook deletion_hook);
  CharacterService(const CharacterService&) = delete;
  CharacterService& operator=(const CharacterService&) = delete;

  void register_routes(Router& router);

 private:
  HttpResponse create(const HttpRequest& request);
  HttpResponse list(const HttpRequest& request);
  HttpResponse get(const HttpRequest& request);
  std::optional<HttpResponse> get_cached(const HttpRequest& request) const;
  HttpResponse remove(const HttpRequest& request);

  // A cached character body with its owner: the fast path answers GET from it.
  struct CachedCharacter {
    std::int64_t owner = 0;
    std::shared_ptr<const std::string> body;
  };

  // The cached body for its owner; 404 for anyone else.
  static HttpResponse owner_view(const CachedCharacter& character, std::int64_t account_id);

  ServiceContext context_;
  AuthService& auth_;
  DeletionHook deletion_hook_;
  TtlCache<std::int64_t, CachedCharacter> characters_;
};

}  // namespace omega::api
