// The trading post's HTTP side (issue 7): list an item, search listings, buy, cancel, and the
// expiry sweeper. Every mutation needs an Idempotency-Key: the key, the request's digest and
// the response are stored in the operation's own transaction, so a retried request gets the
// first response back and never a second effect. Serialization failures and deadlocks are
// retried with jittered backoff (retry_conflicts). After a commit, characters held by a zone get
// their gold and item deltas pushed on Redis ({prefix}character_events). Thread-safe; owns one
// sweeper thread.
#pragma once

#include <functional>
#include <utility>

#include "api/auth_service.hpp"
#include "api/db_pool.hpp"
#include "api/market_store.hpp"
#include "api/periodic_task.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"

namespace omega::api {

class MarketService {
 public:
  // Starts the sweeper (unless market.sweep_interval_s is 0); its first pass runs one
  // interval after construction, so constructing opens no connection.
  MarketService(ServiceContext context, AuthService& auth);
  ~MarketService();
  MarketService(const MarketService&) = delete;
  MarketService& operator=(const MarketService&) = delete;

  void register_routes(Router& router);

  // Expires every active listing past its expiry; returns how many. Blocking.
  int sweep_expired();

  // Transactions retried after a serialization failure or deadlock since start.
  long long retries() const { return retries_.load(); }

 private:
  using Operation = std::function<MarketOutcome(pqxx::work&, const std::string& operation_id)>;

  HttpResponse create(const HttpRequest& request);
  HttpResponse search(const HttpRequest& request);
  HttpResponse buy(const HttpRequest& request);
  HttpResponse cancel(const HttpRequest& request);

  // Claims the key, runs `operation`, stores its response, commits, pushes the changes and
  // logs the audit event `audit_event` when the operation succeeded (not on a replay). A
  // success answers `success_status` (201 for a new listing), a refusal its own.
  HttpResponse run_idempotent(std::int64_t account_id, const std::string& key,
                              const std::string& digest, std::string_view audit_event,
                              int success_status, const Operation& operation);
  // A trade touches two rows that everyone else contends for too: a deadlock victim or a
  // serialization failure runs again (retry_conflicts, db_pool.hpp), counted in retries();
  // beyond its attempts the client gets a 503 and should back off.
  template <class Attempt>
  auto with_retries(Attempt&& attempt) {
    return retry_conflicts(std::forward<Attempt>(attempt), [this] { ++retries_; });
  }
  void sweep_pass();  // the sweeper's pass: expiry, then stored responses past their TTL

  ServiceContext context_;
  AuthService& auth_;
  std::atomic<long long> retries_{0};
  PeriodicTask sweeper_;  // last: started once every other member exists
};

}  // namespace omega::api
