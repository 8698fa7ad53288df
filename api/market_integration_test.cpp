// The trading post against a real PostgreSQL and Redis: trades, idempotency, contention,
// expiry, conservation of gold and items under thousands of concurrent operations, pushes.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

struct Trader {
  std::string token;
  std::int64_t id = 0;
};

class ApiMarketIT : public FreshDatabaseTest {
 protected:
  void start(const std::function<void(Config&)>& adjust = {}) {
    api_ = start_api([&](Config& config) {
      config.max_characters_per_account = 500;
      config.market_sweep_interval_s = 0;
      config.worker_threads = 12;
      config.database_pool_size = 10;
      if (adjust) adjust(config);
    });
  }

  std::string login(const std::string& name) {
    return api_->register_and_login(name)["access_token"];
  }

  // A new character of `token`'s account with `gold` and no items but what the class gives.
  Trader character(const std::string& token, std::int64_t gold = 0) {
    const auto name = "Tr" + unique_suffix();
    const auto created =
        api_->post("/v1/characters", {{"name", name}, {"class", "warrior"}}, token);
    if (created.status != 201) throw std::runtime_error(created.body);
    const Trader trader{token, created.json()["character"]["id"].get<std::int64_t>()};
    sql("UPDATE characters SET gold = " + std::to_string(gold) +
        " WHERE id = " + std::to_string(trader.id));
    return trader;
  }

  void give(const Trader& trader, const std::string& item, int quantity) {
    const auto id = std::to_string(trader.id);
    sql("INSERT INTO inventory_items (character_id, slot, item_id, quantity) SELECT " + id +
        ", coalesce(max(slot) + 1, 0), '" + item + "', " + std::to_string(quantity) +
        " FROM inventory_items WHERE character_id = " + id);
  }

  void sql(const std::string& statement) {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction run(connection);
    run.exec(statement);
  }

  long long held(const Trader& trader, const std::string& item) {
    return count("SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE character_id = " +
                 std::to_string(trader.id) + " AND item_id = '" + item + "'");
  }
  long long gold(const Trader& trader) {
    return count("SELECT gold FROM characters WHERE id = " + std::to_string(trader.id));
  }

  HttpResult mutate(const std::string& method, const std::string& target,
                    const nlohmann::json& body, const std::string& token,
                    const std::string& key) const {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"},
                                                             {"Authorization", "Bearer " + token}};
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return http_request(api_->port(), method, target, body.is_null() ? "" : body.dump(), headers);
  }
  static std::string fresh_key() {
    static std::atomic<int> next{0};
    return "key-" + std::to_string(++next) + "-" + unique_suffix();
  }

  HttpResult list(const Trader& seller, const std::string& item, int quantity, std::int64_t price,
                  const std::string& key = fresh_key()) const {
    return mutate(
        "POST", "/v1/market/listings",
        {{"character_id", seller.id}, {"item_id", item}, {"quantity", quantity}, {"price", price}},
        seller.token, key);
  }
  HttpResult buy(std::int64_t listing, const Trader& buyer,
                 const std::string& key = fresh_key()) const {
    return mutate("POST", "/v1/market/listings/" + std::to_string(listing) + "/buy",
                  {{"character_id", buyer.id}}, buyer.token, key);
  }
  HttpResult cancel(std::int64_t listing, const Trader& seller,
                    const std::string& key = fresh_key()) const {
    return mutate("DELETE", "/v1/market/listings/" + std::to_string(listing),
                  {{"character_id", seller.id}}, seller.token, key);
  }

  std::unique_ptr<TestApi> api_;
};

std::int64_t listing_id(const HttpResult& result) {
  return result.json()["listing"]["id"].get<std::int64_t>();
}
std::string error_code(const HttpResult& result) {
  return result.json()["error"].value("code", "");
}

TEST_F(ApiMarketIT, ListThenBuyMovesItemsIntoEscrowAndGoldToTheSellerLessTheFee) {
  start();
  const auto token = login("market_one");
  const auto seller = character(token), buyer = character(token, 1000);
  give(seller, "wolf_pelt", 10);

  const auto listed = list(seller, "wolf_pelt", 4, 200);
  ASSERT_EQ(listed.status, 201) << listed.body;
  EXPECT_EQ(listed.json()["listing"]["status"], "active");
  EXPECT_EQ(listed.json()["listing"]["fee"], 10);  // 5 % default
  EXPECT_EQ(held(seller, "wolf_pelt"), 6);
  const auto id = listing_id(listed);

  const auto page = api_->get("/v1/market/listings?item_id=wolf_pelt", token);
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json()["listings"].size(), 1u);
  EXPECT_EQ(page.json()["listings"][0]["id"], id);

  const auto bought = buy(id, buyer);
  ASSERT_EQ(bought.status, 200) << bought.body;
  EXPECT_EQ(bought.json()["listing"]["status"], "sold");
  EXPECT_EQ(bought.json()["buyer"]["gold"], 800);
  EXPECT_EQ(gold(buyer), 800);
  EXPECT_EQ(gold(seller), 190);
  EXPECT_EQ(held(buyer, "wolf_pelt"), 4);
  EXPECT_EQ(count("SELECT coalesce(sum(amount), 0) FROM market_ledger WHERE to_kind = 'fee'"), 10);
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger WHERE listing_id = " + std::to_string(id)),
            4);

  const auto again = buy(id, buyer);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "listing_closed");
  EXPECT_EQ(api_->get("/v1/market/listings?item_id=wolf_pelt", token).json()["listings"].size(),
            0u);
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger"), 4) << "a refused buy moves nothing";
}

TEST_F(ApiMarketIT, SearchFiltersSortsAndPaginates) {
  start();
  const auto token = login("market_search");
  const auto seller = character(token);
  give(seller, "wolf_pelt", 50);
  give(seller, "iron_sword", 1);
  const std::int64_t prices[] = {30, 10, 50, 20, 40, 10};
  for (const auto price : prices) ASSERT_EQ(list(seller, "wolf_pelt", 1, price).status, 201);
  ASSERT_EQ(list(seller, "iron_sword", 1, 25).status, 201);

  std::vector<std::int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    const auto result = api_->get("/v1/market/listings?item_id=wolf_pelt&max_price=40&limit=2" +
                                      (cursor.empty() ? "" : "&cursor=" + cursor),
                                  token);
    ASSERT_EQ(result.status, 200) << result.body;
    const auto body = result.json();
    for (const auto& listing : body["listings"])
      seen.push_back(listing["price"].get<std::int64_t>());
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{10, 10, 20, 30, 40}));

  const auto newest =
      api_->get("/v1/market/listings?sort=newest&limit=3&min_price=20", token).json();
  ASSERT_EQ(newest["listings"].size(), 3u);
  EXPECT_EQ(newest["listings"][0]["item_id"], "iron_sword");
  EXPECT_GT(newest["listings"][0]["id"], newest["listings"][1]["id"]);
  const auto rest = api_->get("/v1/market/listings?sort=newest&limit=3&min_price=20&cursor=" +
                                  newest["next_cursor"].get<std::string>(),
                              token)
                        .json();
  EXPECT_EQ(rest["listings"].size(), 2u);
  EXPECT_TRUE(rest["next_cursor"].is_null());
}

TEST_F(ApiMarketIT, CancelAndExpiryReturnTheItemsToTheSeller) {
  start([](Config& config) {
    config.market_listing_ttl_s = 1;
    config.market_sweep_interval_s = 1;
  });
  const auto token = login("market_cancel");
  const auto other = login("market_other");
  const auto seller = character(token), stranger = character(other), buyer = character(other, 500);
  give(seller, "iron_sword", 1);  // slot 3, after the warrior's three starting items

  const auto by_slot =
      mutate("POST", "/v1/market/listings",
             {{"character_id", seller.id}, {"slot", 3}, {"quantity", 1}, {"price", 99}}, token,
             fresh_key());
  ASSERT_EQ(by_slot.status, 201) << by_slot.body;
  EXPECT_EQ(held(seller, "iron_sword"), 0);
  const auto id = listing_id(by_slot);
  EXPECT_EQ(cancel(id, stranger).status, 403);
  EXPECT_EQ(cancel(id, Trader{other, seller.id}).status, 404) << "not the token's character";
  const auto cancelled = cancel(id, seller);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["listing"]["status"], "cancelled");
  EXPECT_EQ(held(seller, "iron_sword"), 1);
  EXPECT_EQ(cancel(id, seller).status, 409);

  // Expiry by the sweeper, then by a buy that finds the listing expired first.
  ASSERT_EQ(list(seller, "iron_sword", 1, 99).status, 201);
  for (int i = 0; i < 60 && held(seller, "iron_sword") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(held(seller, "iron_sword"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM market_listings WHERE status = 'expired'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger WHERE operation_id LIKE 'expire:%'"), 1);
}

TEST_F(ApiMarketIT, ABuyFindingItsListingExpiredReturnsTheItemAndSays409) {
  start([](Config& config) { config.market_listing_ttl_s = 1; });  // no sweeper
  const auto token = login("market_expiry");
  const auto seller = character(token), buyer = character(token, 500);
  give(seller, "wolf_pelt", 2);
  const auto id = listing_id(list(seller, "wolf_pelt", 2, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(api_->get("/v1/market/listings", token).json()["listings"].size(), 0u)
      << "expired: hidden";
  const auto late = buy(id, buyer);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(error_code(late), "listing_expired");
  EXPECT_EQ(held(seller, "wolf_pelt"), 2);
  EXPECT_EQ(gold(buyer), 500);
  EXPECT_EQ(cancel(id, seller).status, 409) << "already back with the seller";
  EXPECT_EQ(held(seller, "wolf_pelt"), 2);
}

TEST_F(ApiMarketIT, ARetriedRequestHasOneEffectAndGetsTheSameResponse) {
  start();
  const auto token = login("market_retry");
  const auto seller = character(token), buyer = character(token, 1000);
  give(seller, "wolf_pelt", 10);

  const auto list_key = fresh_key();
  const auto first_listing = list(seller, "wolf_pelt", 3, 100, list_key);
  ASSERT_EQ(first_listing.status, 201);
  const auto replayed_listing = list(seller, "wolf_pelt", 3, 100, list_key);
  EXPECT_EQ(replayed_listing.status, 201);
  EXPECT_EQ(replayed_listing.body, first_listing.body);
  EXPECT_EQ(replayed_listing.headers.count("idempotent-replayed"), 1u);
  EXPECT_EQ(held(seller, "wolf_pelt"), 7);
  EXPECT_EQ(list(seller, "wolf_pelt", 4, 100, list_key).status, 422) << "same key, other request";

  // Ten copies of one buy at once: one effect, ten identical answers.
  const auto id = listing_id(first_listing);
  const auto buy_key = fresh_key();
  std::vector<HttpResult> results(10);
  std::vector<std::thread> threads;
  for (auto& result : results) threads.emplace_back([&] { result = buy(id, buyer, buy_key); });
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    EXPECT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.body, results[0].body);
  }
  EXPECT_EQ(gold(buyer), 900);
  EXPECT_EQ(held(buyer, "wolf_pelt"), 3);
  // A refusal is stored too: the same key keeps answering the same 409.
  const auto refusal_key = fresh_key();
  const auto refused = buy(id, buyer, refusal_key);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(buy(id, buyer, refusal_key).body, refused.body);
  // Keys belong to an account: another account may use the same text.
  const auto other = character(login("market_retry2"), 1000);
  EXPECT_EQ(buy(id, other, buy_key).status, 409);
  EXPECT_EQ(count("SELECT count(*) FROM market_listings"), 1);
}

TEST_F(ApiMarketIT, TwoHundredConcurrentBuyersOfOneListingMakeOneSale) {
  start();
  const auto token = login("market_rush");
  const auto seller = character(token);
  give(seller, "iron_sword", 1);
  std::vector<Trader> buyers;
  for (int i = 0; i < 200; ++i) buyers.push_back(character(token, 1000));
  const auto id = listing_id(list(seller, "iron_sword", 1, 500));

  std::atomic<int> sold{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (const auto& buyer : buyers) {
    threads.emplace_back([&, buyer] {
      const auto result = buy(id, buyer);
      if (result.status == 200)
        ++sold;
      else if (result.status == 409 && error_code(result) == "listing_closed")
        ++conflicts;
      else
        ++other;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sold, 1);
  EXPECT_EQ(conflicts, 199);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(count("SELECT sum(gold) FROM characters"), 200 * 1000 - 500 + 475);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items WHERE item_id = 'iron_sword'"), 1);
}

TEST_F(ApiMarketIT, BadInputGetsJsonErrors) {
  start();
  const auto token = login("market_bad");
  const auto seller = character(token, 10);
  const auto foreign = character(login("market_bad2"));
  give(seller, "wolf_pelt", 2);
  struct Case {
    nlohmann::json body;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {{{"character_id", seller.id}, {"item_id", "wolf_pelt"}, {"quantity", 1}},
       422,
       "missing_field"},
      {{{"character_id", seller.id}, {"item_id", "wolf_pelt"}, {"quantity", 1}, {"price", 0}},
       422,
       "invalid_field"},
      {{{"character_id", seller.id}, {"item_id", "wolf_pelt"}, {"quantity", 0}, {"price", 5}},
       422,
       "invalid_field"},
      {{{"character_id", seller.id},
        {"item_id", "wolf_pelt"},
        {"slot", 3},
        {"quantity", 1},
        {"price", 5}},
       422,
       "invalid_field"},
      {{{"character_id", seller.id}, {"item_id", "dragon"}, {"quantity", 1}, {"price", 5}},
       422,
       "unknown_item"},
      {{{"character_id", seller.id}, {"item_id", "wolf_pelt"}, {"quantity", 3}, {"price", 5}},
       409,
       "insufficient_items"},
      {{{"character_id", seller.id}, {"slot", 0}, {"quantity", 1}, {"price", 5}},
       409,
       "item_equipped"},
      {{{"character_id", seller.id}, {"slot", 40}, {"quantity", 1}, {"price", 5}},
       404,
       "item_not_found"},
      {{{"character_id", foreign.id}, {"item_id", "wolf_pelt"}, {"quantity", 1}, {"price", 5}},
       404,
       "not_found"},
      {{{"character_id", "1"}, {"item_id", "wolf_pelt"}, {"quantity", 1}, {"price", 5}},
       422,
       "invalid_field"},
  };
  for (const auto& test : cases) {
    const auto result = mutate("POST", "/v1/market/listings", test.body, token, fresh_key());
    EXPECT_EQ(result.status, test.status) << test.body << " " << result.body;
    EXPECT_EQ(error_code(result), test.code) << test.body;
  }
  const auto no_key =
      mutate("POST", "/v1/market/listings",
             {{"character_id", seller.id}, {"item_id", "wolf_pelt"}, {"quantity", 1}, {"price", 5}},
             token, "");
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(error_code(no_key), "idempotency_key_required");
  const auto bad_json =
      http_request(api_->port(), "POST", "/v1/market/listings", "{\"character_id\":",
                   {{"Content-Type", "application/json"},
                    {"Authorization", "Bearer " + token},
                    {"Idempotency-Key", fresh_key()}});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(error_code(bad_json), "invalid_json");
  EXPECT_EQ(api_->get("/v1/market/listings").status, 401);
  EXPECT_EQ(api_->get("/v1/market/listings?limit=1000", token).status, 400);
  EXPECT_EQ(api_->get("/v1/market/listings?cursor=zzz", token).status, 400);
  EXPECT_EQ(error_code(buy(999999, seller)), "not_found");
  EXPECT_EQ(buy(999999, seller).status, 404);
  EXPECT_EQ(mutate("POST", "/v1/market/listings/abc/buy", {{"character_id", seller.id}}, token,
                   fresh_key())
                .status,
            404);

  const auto id = listing_id(list(seller, "wolf_pelt", 1, 50));
  EXPECT_EQ(error_code(buy(id, seller)), "own_listing");
  const auto poor = character(token, 49);
  EXPECT_EQ(error_code(buy(id, poor)), "insufficient_gold");
  EXPECT_EQ(buy(id, Trader{token, foreign.id}).status, 404) << "someone else's character";
  EXPECT_EQ(held(seller, "wolf_pelt"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM market_ledger"), 1);
}

// A deadlock against the trade (someone locking the listing, then the seller: the reverse of
// the market's order) costs the market one retry, not the sale.
TEST_F(ApiMarketIT, ATradeThatLosesADeadlockIsRetriedAndSucceeds) {
  start();
  const auto token = login("market_deadlock");
  const auto seller = character(token), buyer = character(token, 100);
  give(seller, "iron_sword", 1);
  const auto id = listing_id(list(seller, "iron_sword", 1, 100));

  pqxx::connection connection(database_url_);
  pqxx::work blocker(connection);
  blocker.exec_params("SELECT 1 FROM market_listings WHERE id = $1 FOR UPDATE", id);
  HttpResult bought;
  std::thread trade(
      [&] { bought = buy(id, buyer); });  // locks both characters, waits on the listing
  for (int i = 0;
       i < 200 && count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()") == 0;
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool blocker_was_victim = false;
  try {
    blocker.exec_params("SELECT 1 FROM characters WHERE id = $1 FOR UPDATE", seller.id);
  } catch (const pqxx::deadlock_detected&) {
    blocker_was_victim = true;  // PostgreSQL may pick either side
  }
  blocker.abort();
  trade.join();
  EXPECT_EQ(bought.status, 200) << bought.body;
  EXPECT_EQ(held(buyer, "iron_sword"), 1);
  const auto metrics = api_->get("/metrics", TestApi::kServiceToken).body;
  if (!blocker_was_victim) {  // at least one retry (a retry may itself lose a race again)
    const auto at = metrics.find("\nomega_api_market_retries ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GE(std::stod(metrics.substr(at + 26)), 1.0) << metrics.substr(at, 40);
  }
}

// Initial holdings, then any number of random concurrent market operations: afterwards every
// gold coin and every item is still somewhere, and the ledger explains every change.
TEST_F(ApiMarketIT, ThousandsOfRandomConcurrentOperationsConserveGoldAndItems) {
  start([](Config& config) {
    config.market_listing_ttl_s = 2;
    config.market_sweep_interval_s = 1;
    config.market_max_listings_per_character = 1000;
  });
  const std::vector<std::string> items = {"wolf_pelt", "minor_health_potion", "iron_sword",
                                          "rift_shard"};
  std::vector<std::string> tokens = {login("market_conserve1"), login("market_conserve2")};
  std::vector<Trader> traders;
  for (int i = 0; i < 24; ++i) {
    traders.push_back(character(tokens[i % 2], 5'000));
    give(traders.back(), "wolf_pelt", 40);
    give(traders.back(), "iron_sword", 1);
    give(traders.back(), "iron_sword", 1);
    give(traders.back(), "rift_shard", 7);
  }
  auto snapshot = [&] {
    std::map<std::string, long long> state;
    pqxx::connection connection(database_url_);
    pqxx::nontransaction read(connection);
    for (const auto& row : read.exec(
             "SELECT character_id, item_id, sum(quantity) FROM inventory_items GROUP BY 1, 2"))
      state[row[0].c_str() + std::string(":") + row[1].c_str()] = row[2].as<long long>();
    for (const auto& row : read.exec("SELECT id, gold FROM characters"))
      state[row[0].c_str() + std::string(":gold")] = row[1].as<long long>();
    return state;
  };
  auto before = snapshot();
  const auto gold_before = count("SELECT sum(gold) FROM characters");
  const auto items_before = count("SELECT sum(quantity) FROM inventory_items");

  struct Listed {
    std::int64_t id;
    Trader seller;
  };
  std::mutex mutex;
  std::vector<Listed> listed;
  std::vector<std::pair<std::function<HttpResult()>, HttpResult>> history;
  std::atomic<int> operations{0}, replay_mismatches{0}, server_errors{0};
  std::map<int, int> statuses;
  auto worker = [&](unsigned seed) {
    std::mt19937 random(seed);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    while (operations.fetch_add(1) < 5'000) {
      const auto roll = pick(100);
      std::function<HttpResult()> request;
      if (roll < 40) {
        const auto seller = traders[pick(traders.size())];
        const auto item = items[pick(items.size())];
        const int quantity = 1 + static_cast<int>(pick(3));
        const auto price = static_cast<std::int64_t>(1 + pick(400));
        const auto key = fresh_key();
        request = [=, this] { return list(seller, item, quantity, price, key); };
      } else {
        std::unique_lock lock(mutex);
        if (listed.empty() || (roll >= 90 && history.empty())) continue;
        if (roll >= 90) {
          const auto& [old_request, old_result] = history[pick(history.size())];
          auto replay = old_request;
          auto expected = old_result;
          lock.unlock();
          const auto again = replay();
          if (again.status != expected.status || again.body != expected.body) ++replay_mismatches;
          continue;
        }
        const auto target = listed[pick(listed.size())];
        const auto key = fresh_key();
        if (roll < 75) {
          const auto buyer = traders[pick(traders.size())];
          request = [=, this] { return buy(target.id, buyer, key); };
        } else {
          request = [=, this] { return cancel(target.id, target.seller, key); };
        }
      }
      const auto result = request();
      std::lock_guard lock(mutex);
      ++statuses[result.status];
      if (result.status >= 500 || result.status == 0) ++server_errors;
      if (result.status == 201) {
        const auto body = result.json();
        const auto seller_id = body["listing"]["seller_id"].get<std::int64_t>();
        for (const auto& trader : traders)
          if (trader.id == seller_id)
            listed.push_back({body["listing"]["id"].get<std::int64_t>(), trader});
      }
      if (history.size() < 2'000) history.emplace_back(request, result);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 12; ++i) threads.emplace_back(worker, 1000 + i);
  for (auto& thread : threads) thread.join();

  for (const auto& [status, n] : statuses) std::cout << "status " << status << ": " << n << "\n";
  EXPECT_EQ(server_errors, 0);
  EXPECT_EQ(replay_mismatches, 0);
  EXPECT_GT(statuses[200], 100) << "buys and cancels happened";
  EXPECT_GT(count("SELECT count(*) FROM market_listings WHERE status = 'expired'"), 0);

  // Stop the API (and its sweeper) so the checks below read one quiet state: a listing
  // expiring between two of them would be counted twice.
  api_.reset();

  // Conservation: wallets + fees, inventories + escrow.
  const auto fees =
      count("SELECT coalesce(sum(amount), 0) FROM market_ledger WHERE to_kind = 'fee'");
  EXPECT_GT(fees, 0);
  EXPECT_EQ(count("SELECT sum(gold) FROM characters") + fees, gold_before);
  const auto escrow =
      count("SELECT coalesce(sum(quantity), 0) FROM market_listings WHERE status = 'active'");
  EXPECT_EQ(count("SELECT sum(quantity) FROM inventory_items") + escrow, items_before);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_items WHERE quantity <= 0"), 0);

  // The ledger explains each character's change of gold and items, and each escrow.
  auto after = snapshot();
  std::map<std::string, long long> net;
  {
    pqxx::connection connection(database_url_);
    pqxx::nontransaction read(connection);
    for (const auto& row : read.exec(
             "SELECT to_id, coalesce(item_id, 'gold'), sum(amount) FROM market_ledger WHERE "
             "to_kind = 'character' GROUP BY 1, 2 "
             "UNION ALL SELECT from_id, coalesce(item_id, 'gold'), -sum(amount) FROM market_ledger "
             "WHERE from_kind = 'character' GROUP BY 1, 2"))
      net[row[0].c_str() + std::string(":") + row[1].c_str()] += row[2].as<long long>();
    EXPECT_EQ(read.exec("SELECT count(*) FROM market_listings l WHERE "
                        "(SELECT coalesce(sum(CASE WHEN to_kind = 'escrow' THEN amount ELSE "
                        "-amount END), 0) "
                        " FROM market_ledger g WHERE g.listing_id = l.id AND g.asset = 'item') "
                        "<> CASE WHEN l.status = 'active' THEN l.quantity ELSE 0 END")[0][0]
                  .as<long long>(),
              0);
  }
  std::set<std::string> keys;
  for (const auto& [key, value] : before) keys.insert(key);
  for (const auto& [key, value] : after) keys.insert(key);
  for (const auto& [key, value] : net) keys.insert(key);
  for (const auto& key : keys) EXPECT_EQ(before[key] + net[key], after[key]) << key;

  // Once every listing has expired and been swept, everything is back in inventories.
  start([](Config& config) { config.market_sweep_interval_s = 1; });
  for (int i = 0;
       i < 100 && count("SELECT count(*) FROM market_listings WHERE status = 'active'") > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count("SELECT count(*) FROM market_listings WHERE status = 'active'"), 0);
  EXPECT_EQ(count("SELECT sum(quantity) FROM inventory_items"), items_before);
}

}  // namespace
}  // namespace omega::api::testing
