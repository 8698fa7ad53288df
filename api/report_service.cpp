#include "api/report_service.hpp"

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/errors.hpp"
#include "api/request_body.hpp"

namespace omega::api {

namespace {

constexpr std::array<std::string_view, 4> kReasons = {"spam", "abuse", "cheating", "other"};

std::string require_reason(const nlohmann::json& body) {
  auto reason = require_string(body, "reason", 1, 16);
  for (const auto allowed : kReasons)
    if (reason == allowed) return reason;
  throw ApiError(422, "invalid_field", "reason must be spam, abuse, cheating or other");
}

std::string optional_quote(const nlohmann::json& body) {
  if (!body.contains("quoted")) return {};
  return require_string(body, "quoted", 0, kMaxReportQuoteBytes);
}

}  // namespace

ReportService::ReportService(ServiceContext context, AuthService& auth)
    : context_(std::move(context)), auth_(auth) {}

void ReportService::register_routes(Router& router) {
  router.add(Method::post, "/v1/reports", [this](const HttpRequest& r) { return file(r); });
}

HttpResponse ReportService::file(const HttpRequest& request) {
  const auto account_id = auth_.authenticate(request);
  const auto body = parse_object_body(request);
  const auto character_id = require_integer(body, "character_id", 1, INT64_MAX);
  const auto reported_name = require_string(body, "reported_name", 1, 64);
  const auto reason = require_reason(body);
  const auto quoted = optional_quote(body);
  const auto id = context_.database.run([&](pqxx::connection& connection) {
    pqxx::work transaction(connection);
    // The account row's lock serialises one account's reports, so the hourly count holds.
    transaction.exec_params("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", account_id);
    if (transaction
            .exec_params("SELECT 1 FROM characters WHERE id = $1 AND account_id = $2", character_id,
                         account_id)
            .empty())
      throw ApiError(404, "not_found", "no such character");
    const auto reported = transaction.exec_params(
        "SELECT id, account_id FROM characters WHERE lower(name) = lower($1)", reported_name);
    if (reported.empty()) throw ApiError(404, "not_found", "no such reported character");
    if (reported[0][1].as<std::int64_t>() == account_id)
      throw ApiError(422, "self_report", "a player cannot report their own characters");
    const auto recent =
        transaction
            .exec_params(
                "SELECT count(*) FROM player_reports WHERE reporter_account_id = $1 AND "
                "created_at > now() - interval '1 hour'",
                account_id)[0][0]
            .as<int>();
    if (recent >= kMaxReportsPerAccountHour)
      throw ApiError(429, "too_many_reports", "at most 20 reports an hour; try again later");
    const auto inserted =
        transaction
            .exec_params(
                "INSERT INTO player_reports (reporter_account_id, reporter_character_id, "
                "reported_character_id, reason, quoted) VALUES ($1, $2, $3, $4, $5) "
                "RETURNING id",
                account_id, character_id, reported[0][0].as<std::int64_t>(), reason, quoted)[0][0]
            .as<std::int64_t>();
    transaction.commit();
    return inserted;
  });
  return json_response(201, {{"id", id}});
}

}  // namespace omega::api
