// Chat reports (issue 16 item 4): a player reports another player's chat line to the
// moderators (POST /v1/reports); staff read them in the admin console (GET
// /admin/v1/reports, api/admin_views.cpp). Rows of `player_reports`. Thread-safe.
#pragma once

#include <cstddef>

#include "api/auth_service.hpp"
#include "api/router.hpp"
#include "api/service_context.hpp"

namespace omega::api {

// The quoted chat line is stored as the player saw it; chat lines are shorter than this.
inline constexpr std::size_t kMaxReportQuoteBytes = 400;
// Reports cost a moderator's time: one account files at most this many per hour, counted in
// the table, so that a player cannot bury the moderators' queue.
inline constexpr int kMaxReportsPerAccountHour = 20;

class ReportService {
 public:
  ReportService(ServiceContext context, AuthService& auth);
  ReportService(const ReportService&) = delete;
  ReportService& operator=(const ReportService&) = delete;

  void register_routes(Router& router);

 private:
  HttpResponse file(const HttpRequest& request);

  ServiceContext context_;
  AuthService& auth_;
};

}  // namespace omega::api
