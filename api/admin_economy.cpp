// The admin console's economy (issue 17 item 1): a character's ledger, staff grants and
// removals of gold and items, and staff cancels of listings. Every change writes its
// admin_audit row first, then ledger rows naming it (place 'admin'), in one transaction, and
// reaches the zone holding the character's lease through the market's push
// (publish_character_changes), so the zone's next checkpoint cannot undo it.
#include <climits>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/admin_service.hpp"
#include "api/character_events.hpp"
#include "api/character_service.hpp"
#include "api/errors.hpp"
#include "api/market_replies.hpp"
#include "api/request_body.hpp"
#include "common/structured_log.hpp"

namespace omega::api {

namespace {

// A grant compensates a player or restores a loss; a billion gold is beyond any of that, and
// far below the bigint wallet's overflow.
constexpr std::int64_t kMaxStaffGold = 1'000'000'000;
// Items per grant or removal: the market's and a checkpoint's stacks stay far below int32.
constexpr std::int64_t kMaxStaffQuantity = 10'000;
// Content item ids are short snake_case names.
constexpr std::size_t kMaxItemIdBytes = 64;
// Ledger pages: enough for a screen, bounded per request.
constexpr std::int64_t kDefaultLedgerPage = 50;
constexpr std::int64_t kMaxLedgerPage = 200;

// A ledger place as JSON: {"kind", "id"} (id null for 'fee' and 'admin').
nlohmann::json place_json(const pqxx::field& kind, const pqxx::field& id) {
  return {{"kind", kind.as<std::string>()},
          {"id", id.is_null() ? nlohmann::json() : nlohmann::json(id.as<std::int64_t>())}};
}

template <class Value>
nlohmann::json nullable(const pqxx::field& field) {
  return field.is_null() ? nlohmann::json() : nlohmann::json(field.as<Value>());
}

// The gold or items of a grant or removal body: {"gold": N} or {"item_id", "quantity"}.
Adjustment read_adjustment(const nlohmann::json& body, std::int64_t character_id,
                           const ContentCatalog& content) {
  const bool gold = body.contains("gold"), item = body.contains("item_id");
  if (gold == item)
    throw ApiError(422, "invalid_field", "give either gold or item_id and quantity");
  Adjustment adjustment;
  adjustment.character_id = character_id;
  if (gold) {
    adjustment.amount = require_integer(body, "gold", 1, kMaxStaffGold);
    return adjustment;
  }
  adjustment.item_id = require_string(body, "item_id", 1, kMaxItemIdBytes);
  if (!content.has_item(*adjustment.item_id))
    throw ApiError(422, "unknown_item", "no item " + *adjustment.item_id + " in content");
  adjustment.amount = require_integer(body, "quantity", 1, kMaxStaffQuantity);
  return adjustment;
}

}  // namespace

HttpResponse AdminService::character_ledger(const HttpRequest& request) {
  authorize(request, AdminRole::viewer);
  const auto character_id = admin_path_id(request, "character");
  const auto limit = query_integer(request, "limit", kDefaultLedgerPage, 1, kMaxLedgerPage);
  const auto before = query_integer(request, "before", INT64_MAX, 1, INT64_MAX);
  return context_.database.run([&](pqxx::connection& connection) {
    pqxx::read_transaction read(connection);
    if (read.exec_params("SELECT 1 FROM characters WHERE id = $1", character_id).empty())
      throw ApiError(404, "not_found", "no such character");
    // One ordered scan per side (market_ledger_from_character / _to_character), merged.
    auto side = [](const std::string& kind, const std::string& id) {
      return "(SELECT * FROM market_ledger WHERE " + kind + " = 'character' AND " + id +
             " = $1 AND id < $2 ORDER BY id DESC LIMIT $3)";
    };
    const auto rows = read.exec_params(
        "SELECT l.id, " + sql_utc_text("l.created_at") +
            ", l.operation_id, l.listing_id, l.asset, l.item_id, l.amount, l.from_kind, l.from_id, "
            "l.to_kind, l.to_id, l.reason, l.audit_id, a.admin_username FROM (" +
            side("from_kind", "from_id") + " UNION " + side("to_kind", "to_id") +
            ") l LEFT JOIN admin_audit a ON a.id = l.audit_id ORDER BY l.id DESC LIMIT $3",
        character_id, before, limit + 1);
    auto entries = nlohmann::json::array();
    nlohmann::json next_before;
    for (const auto& row : rows) {
      if (static_cast<std::int64_t>(entries.size()) == limit) {
        next_before = entries.back()["id"];
        break;
      }
      const bool incoming =
          row[9].as<std::string>() == "character" && row[10].as<std::int64_t>() == character_id;
      entries.push_back({{"id", row[0].as<std::int64_t>()},
                         {"at", row[1].as<std::string>()},
                         {"operation_id", row[2].as<std::string>()},
                         {"listing_id", nullable<std::int64_t>(row[3])},
                         {"asset", row[4].as<std::string>()},
                         {"item_id", nullable<std::string>(row[5])},
                         {"amount", row[6].as<std::int64_t>()},
                         {"direction", incoming ? "in" : "out"},
                         {"from", place_json(row[7], row[8])},
                         {"to", place_json(row[9], row[10])},
                         {"reason", nullable<std::string>(row[11])},
                         {"audit_id", nullable<std::int64_t>(row[12])},
                         {"staff", nullable<std::string>(row[13])}});
    }
    return json_response(200, {{"entries", entries}, {"next_before", next_before}});
  });
}

HttpResponse AdminService::grant(const HttpRequest& request) {
  return adjust(request, "grant", &grant_to_character);
}

HttpResponse AdminService::remove(const HttpRequest& request) {
  return adjust(request, "remove", &remove_from_character);
}

HttpResponse AdminService::adjust(const HttpRequest& request, std::string_view action,
                                  MarketOutcome (*step)(pqxx::work&, const Adjustment&,
                                                        const StaffAction&)) {
  EconomyAction economy;
  economy.caller = authorize(request, AdminRole::admin);
  economy.action = action;
  economy.target_type = "character";
  economy.target_id = admin_path_id(request, "character");
  const auto body = parse_object_body(request);
  economy.reason = require_string(body, "reason", 1, kMaxAdminReasonBytes);
  const auto adjustment = read_adjustment(body, economy.target_id, context_.content);
  economy.details = adjustment.item_id ? nlohmann::json{{"item_id", *adjustment.item_id},
                                                        {"quantity", adjustment.amount}}
                                       : nlohmann::json{{"gold", adjustment.amount}};
  return commit_economy(
      economy,
      [&](pqxx::work& transaction, const StaffAction& staff) {
        return step(transaction, adjustment, staff);
      },
      economy.target_id);
}

HttpResponse AdminService::cancel_listing(const HttpRequest& request) {
  EconomyAction economy;
  economy.caller = authorize(request, AdminRole::moderator);
  economy.action = "cancel_listing";
  economy.target_type = "listing";
  economy.target_id = admin_path_id(request, "listing");
  economy.reason = require_string(parse_object_body(request), "reason", 1, kMaxAdminReasonBytes);
  return commit_economy(
      economy,
      [&](pqxx::work& transaction, const StaffAction& staff) {
        return cancel_listing_by_staff(transaction, economy.target_id, staff);
      },
      std::nullopt);
}

HttpResponse AdminService::commit_economy(const EconomyAction& action, const EconomyStep& step,
                                          std::optional<std::int64_t> character_id) {
  std::int64_t audit_id = 0;
  nlohmann::json character;  // the character's gold and inventory after it, when asked for
  // Everything below is one transaction: a deadlock victim (a player's trade locking the same
  // character) runs again whole, audit row included.
  const auto outcome = retry_conflicts([&] {
    return context_.database.run([&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      // First: the ledger rows name the audit row. A refusal rolls both back.
      audit_id = write_audit(transaction, action.caller, action.action, action.target_type,
                             action.target_id, action.reason, action.details);
      auto result = step(transaction, {audit_id, action.reason});
      if (result.refusal) return result;
      if (character_id) {
        const auto gold =
            transaction
                .exec_params("SELECT gold FROM characters WHERE id = $1", *character_id)[0][0]
                .as<std::int64_t>();
        character = {{"id", *character_id},
                     {"gold", gold},
                     {"inventory", read_inventory(transaction, *character_id)}};
      }
      transaction.commit();
      return result;
    });
  });
  auto reply = market_reply(outcome);
  if (outcome.refusal) return json_response(reply.status, reply.body);
  reply.body["audit_id"] = audit_id;
  if (character_id) reply.body["character"] = std::move(character);
  publish_character_changes(context_, outcome.changes);
  nlohmann::json fields = {{"admin_id", action.caller.id},
                           {"admin", action.caller.username},
                           {"target_type", action.target_type},
                           {"target_id", action.target_id},
                           {"reason", action.reason},
                           {"audit_id", audit_id},
                           {"ledger_id", outcome.ledger_id.value_or(0)}};
  fields.update(action.details);
  common::log_event(spdlog::level::info, "admin_" + action.action, fields);
  return json_response(200, reply.body);
}

}  // namespace omega::api
