// The trading post's answers in HTTP terms (docs/api/openapi.yaml): each refusal's status and
// error code, and the JSON of listings, search pages and operation results. The store
// (api/market_store.hpp) speaks only of listings and refusals; the market and admin services
// answer through these. Pure: thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/market_store.hpp"

namespace omega::api {

struct MarketReply {
  int status = 200;
  nlohmann::json body;
};

// A refusal's HTTP status and error code: 404 not_found, 409 listing_closed, …
struct RefusalCode {
  int status;
  const char* code;
};
RefusalCode refusal_code(MarketRefusal refusal);

nlohmann::json listing_json(const Listing& listing);
// {"listings": [...], "next_cursor": "<opaque>" or null}
nlohmann::json page_json(const ListingPage& page);
// A refusal as {"error": {"code", "message"}} with its status; a success as `success_status`
// with what the operation did: "listing", "buyer" {"id", "gold"} after a buy, "ledger_id"
// after a staff action.
MarketReply market_reply(const MarketOutcome& outcome, int success_status = 200);

}  // namespace omega::api
