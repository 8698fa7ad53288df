// Friends and presence (issue 16 item 5). A character asks another by name; the other accepts,
// or either side removes the pair (decline, cancel, unfriend). A friend's presence is its
// lease: online while a live zone holds it, in that zone (api/presence.hpp). Friends hear, as a
// system chat line through the zones (SocialUpdate notice), when a friend logs in, asks or accepts;
// the directory seats a player in a friend's instance when it has room (api/directory.hpp). Rows of
// `friendships`, one per pair. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "api/auth_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"

namespace omega::api {

// Friends and pending requests of one character, both ways together: a list of this size is
// more than a player keeps track of, and bounds what every log-in announces.
inline constexpr int kMaxFriends = 100;

// Instances of `zone` where the character's friends (accepted) are online (api/presence.hpp).
std::vector<std::uint32_t> friend_instances(pqxx::transaction_base& transaction,
                                            std::int64_t character_id, const std::string& zone,
                                            int lease_stale_s);

// Tells the online friends of `character_id` that it logged in to `zone`, or, without one,
// that it logged out. After the change committed; a lost push is logged, never thrown.
void announce_presence(const ServiceContext& context, std::int64_t character_id,
                       const std::optional<std::string>& zone);

class FriendService {
 public:
  FriendService(ServiceContext context, AuthService& auth);
  FriendService(const FriendService&) = delete;
  FriendService& operator=(const FriendService&) = delete;

  void register_routes(Router& router);

 private:
  HttpResponse list(const HttpRequest& request);
  HttpResponse add(const HttpRequest& request);
  HttpResponse accept(const HttpRequest& request);
  HttpResponse remove(const HttpRequest& request);

  ServiceContext context_;
  AuthService& auth_;
};

}  // namespace omega::api
