#include "api/market_service.hpp"

#include <spdlog/spdlog.h>

#include "api/character_events.hpp"
#include "api/errors.hpp"
#include "api/market_replies.hpp"
#include "api/request_body.hpp"
#include "common/structured_log.hpp"

namespace omega::api {

namespace {

// Expired listings handled per sweeper query; the pass repeats until none is left.
constexpr int kSweepBatch = 200;
constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

std::int64_t path_id(const HttpRequest& request) {
  const auto it = request.path_params.find("id");
  const auto id = it == request.path_params.end() ? std::nullopt : parse_id(it->second);
  if (!id) throw ApiError(404, "not_found", "no such listing");
  return *id;
}

// Audit trail of a committed market operation: who did it and what changed hands at what price.
void log_trade(std::string_view event, std::int64_t account_id, const nlohmann::json& listing) {
  nlohmann::json fields = {{"account_id", account_id}};
  for (const char* name :
       {"seller_id", "buyer_id", "item_id", "quantity", "price", "fee", "status"})
    if (listing.contains(name)) fields[name] = listing[name];
  fields["listing_id"] = listing.value("id", std::int64_t{0});
  common::log_event(spdlog::level::info, event, fields);
}

HttpResponse stored_response(int status, std::string body, bool replayed) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  if (replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

// The character a DELETE acts for: from the JSON body, or ?character_id= for clients that
// cannot send a body with DELETE.
std::int64_t cancelling_character(const HttpRequest& request) {
  if (!request.body.empty())
    return require_integer(parse_object_body(request), "character_id", 1, kMaxId);
  const auto text = request.query_param("character_id");
  const auto id = text ? parse_id(*text) : std::nullopt;
  if (!id) throw ApiError(422, "missing_field", "character_id is required");
  return *id;
}

}  // namespace

MarketService::MarketService(ServiceContext context, AuthService& auth)
    : context_(context), auth_(auth) {
  if (context_.config.market_sweep_interval_s > 0)
    sweeper_.start(std::chrono::seconds(context_.config.market_sweep_interval_s),
                   [this] { sweep_pass(); });
}

MarketService::~MarketService() = default;

void MarketService::register_routes(Router& router) {
  router.add(Method::post, "/v1/market/listings",
             [this](const HttpRequest& r) { return create(r); });
  router.add(Method::get, "/v1/market/listings",
             [this](const HttpRequest& r) { return search(r); });
  router.add(Method::post, "/v1/market/listings/{id}/buy",
             [this](const HttpRequest& r) { return buy(r); });
  router.add(Method::del, "/v1/market/listings/{id}",
             [this](const HttpRequest& r) { return cancel(r); });
}

HttpResponse MarketService::create(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto key = require_idempotency_key(request);
  const auto body = parse_object_body(request);
  NewListing listing;
  listing.account_id = account_id;
  listing.seller_id = require_integer(body, "character_id", 1, kMaxId);
  listing.quantity = require_integer(body, "quantity", 1, kMaxListingQuantity);
  listing.price = require_integer(body, "price", 1, kMaxListingPrice);
  nlohmann::json parameters = {{"character_id", listing.seller_id},
                               {"quantity", listing.quantity},
                               {"price", listing.price}};
  const bool has_item = body.contains("item_id"), has_slot = body.contains("slot");
  if (has_item == has_slot)
    throw ApiError(422, "invalid_field", "give exactly one of item_id and slot");
  if (has_item) {
    listing.item_id = require_string(body, "item_id", 1, 64);
    if (!context_.content.has_item(*listing.item_id))
      throw ApiError(422, "unknown_item", "no such item: " + *listing.item_id);
    parameters["item_id"] = *listing.item_id;
  } else {
    listing.slot =
        static_cast<int>(require_integer(body, "slot", 0, std::numeric_limits<int>::max()));
    parameters["slot"] = *listing.slot;
  }
  const MarketRules rules{context_.config.market_listing_ttl_s,
                          context_.config.market_fee_basis_points,
                          context_.config.market_max_listings_per_character};
  return run_idempotent(account_id, key, request_digest("create", parameters),
                        "market_listing_created", 201,
                        [&](pqxx::work& transaction, const std::string& operation_id) {
                          return create_listing(transaction, listing, rules, operation_id);
                        });
}

HttpResponse MarketService::search(const HttpRequest& request) {
  auth_.authenticate(request);
  auto query = parse_listing_query(request, context_.config.market_max_page_size);
  if (query.name_text) query.named_items = context_.content.items_named(*query.name_text);
  const auto page = context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    return search_listings(read, query);
  });
  return json_response(200, page_json(page));
}

HttpResponse MarketService::buy(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto listing_id = path_id(request);
  const auto key = require_idempotency_key(request);
  const auto buyer_id = require_integer(parse_object_body(request), "character_id", 1, kMaxId);
  const nlohmann::json parameters = {{"listing_id", listing_id}, {"character_id", buyer_id}};
  return run_idempotent(account_id, key, request_digest("buy", parameters), "market_listing_bought",
                        200, [&](pqxx::work& transaction, const std::string& operation_id) {
                          return buy_listing(transaction, account_id, listing_id, buyer_id,
                                             operation_id);
                        });
}

HttpResponse MarketService::cancel(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto listing_id = path_id(request);
  const auto key = require_idempotency_key(request);
  const auto seller_id = cancelling_character(request);
  const nlohmann::json parameters = {{"listing_id", listing_id}, {"character_id", seller_id}};
  return run_idempotent(
      account_id, key, request_digest("cancel", parameters), "market_listing_cancelled", 200,
      [&](pqxx::work& transaction, const std::string& operation_id) {
        return cancel_listing(transaction, account_id, listing_id, seller_id, operation_id);
      });
}

HttpResponse MarketService::run_idempotent(std::int64_t account_id, const std::string& key,
                                           const std::string& digest, std::string_view audit_event,
                                           int success_status, const Operation& operation) {
  std::vector<CharacterChange> changes;
  nlohmann::json committed_listing;  // of the attempt that committed a success
  auto response = with_retries([&] {
    return context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      // A concurrent request with the same key waits here on the unique index until the
      // first commits (then sees its row) or rolls back (then inserts its own).
      const auto claimed = transaction.exec_params(
          "INSERT INTO market_operations (account_id, idempotency_key, request_digest, "
          "response_status, response_body) VALUES ($1, $2, $3, 0, '') "
          "ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id",
          account_id, key, digest);
      if (claimed.empty()) {
        const auto stored = transaction.exec_params(
            "SELECT request_digest, response_status, response_body FROM market_operations "
            "WHERE account_id = $1 AND idempotency_key = $2",
            account_id, key);
        if (stored.empty()) throw pqxx::serialization_failure("idempotency row vanished");
        if (stored[0][0].as<std::string>() != digest)
          throw ApiError(422, "idempotency_key_reused",
                         "this Idempotency-Key was used for a different request");
        return stored_response(stored[0][1].as<int>(), stored[0][2].as<std::string>(), true);
      }
      const auto operation_id = "op:" + claimed[0][0].as<std::string>();
      auto outcome = operation(transaction, operation_id);
      const auto reply = market_reply(outcome, success_status);
      auto body = reply.body.dump();
      transaction.exec_params(
          "UPDATE market_operations SET response_status = $2, response_body = $3 WHERE id = $1",
          claimed[0][0].as<std::int64_t>(), reply.status, body);
      transaction.commit();
      changes = std::move(outcome.changes);
      if (!outcome.refusal && outcome.listing) committed_listing = listing_json(*outcome.listing);
      return stored_response(reply.status, std::move(body), false);
    });
  });
  publish_character_changes(context_, changes);
  if (committed_listing.is_object()) log_trade(audit_event, account_id, committed_listing);
  return response;
}

int MarketService::sweep_expired() {
  int expired = 0;
  for (;;) {
    const auto due = context_.database.run([&](pqxx::connection& connection) {
      pqxx::read_transaction read(connection);
      std::vector<std::int64_t> ids;
      for (const auto& row : read.exec_params(
               "SELECT id FROM market_listings WHERE status = 'active' AND expires_at <= now() "
               "ORDER BY expires_at LIMIT $1",
               kSweepBatch))
        ids.push_back(row[0].as<std::int64_t>());
      return ids;
    });
    for (const auto listing_id : due) {
      const auto change = with_retries([&] {
        return context_.database.run([&](pqxx::connection& connection) {
          pqxx::work transaction(connection);
          auto returned = expire_listing(transaction, listing_id);
          transaction.commit();
          return returned;
        });
      });
      if (change) {
        ++expired;
        publish_character_changes(context_, {*change});
      }
    }
    if (static_cast<int>(due.size()) < kSweepBatch) return expired;
  }
}

void MarketService::sweep_pass() {
  try {
    if (const int expired = sweep_expired(); expired > 0)
      spdlog::info("market: {} expired listings returned to their sellers", expired);
    context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      transaction.exec_params(
          "DELETE FROM market_operations WHERE created_at < now() - make_interval(hours => $1)",
          context_.config.market_idempotency_ttl_h);
      transaction.commit();
    });
  } catch (const std::exception& error) {
    spdlog::warn("market sweeper: {}", error.what());
  }
}

}  // namespace omega::api
