// ApiClient's worker: blocking calls through common's HTTP client (blocking there is the point
// of having a worker), a timeout on each.
#include "zone/api_client.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include <spdlog/spdlog.h>

#include "common/http_client.hpp"
#include "zone/api_json.hpp"

namespace omega::zone {

namespace {

// The API answers in milliseconds; a request taking longer than this is treated as failed
// (and retried later with the same seq), so a hung API cannot hold a session forever.
constexpr double kRequestTimeoutSeconds = 5.0;
// Requests queued beyond this are answered "unavailable" at once instead of growing memory
// while the API is down (the simulation retries checkpoints itself).
constexpr size_t kMaxQueuedRequests = 4096;
// Records per checkpoint body: half the API's limit of 1,000 (an answer covers one body).
constexpr size_t kMaxRecordsPerRequest = 500;

struct ClaimJob {
  uint32_t instance;
  ClaimRequest request;
};
struct CheckpointJob {
  uint32_t instance;
  CheckpointBatch batch;
};
struct TransferJob {
  uint32_t instance;
  TransferRequest request;
};
struct ReportJob {
  uint32_t instance;
  MatchReport report;
};
using Job = std::variant<ClaimJob, CheckpointJob, TransferJob, ReportJob>;

}  // namespace

struct ApiClient::Impl {
  Impl(const std::string& url, std::string t, ServiceResults& r)
      : api(common::parse_http_url(url)), token(std::move(t)), results(r) {}

  void push(Job job) {
    {
      std::lock_guard lock(mutex);
      if (queue.size() < kMaxQueuedRequests) {
        queue.push_back(std::move(job));
        wake.notify_all();
        return;
      }
    }
    spdlog::warn("API request queue full: answering unavailable");
    answer_unavailable(job);
  }

  void run() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) return;
        job = std::move(queue.front());
        queue.pop_front();
        busy = true;
      }
      std::visit([this](auto& j) { execute(j); }, job);
      std::lock_guard lock(mutex);
      busy = false;
      idle.notify_all();
    }
  }

  // One request on a fresh connection (common/http_client): nothing kept alive can be stale
  // after the API restarted. A request without an answer is status 0: the caller's retry
  // (checkpoints are resent, claims answered unavailable) covers it.
  common::HttpResponse post(const std::string& target, const std::string& body) {
    if (!api) return {};  // the config check refuses such a URL before a client is made
    common::HttpRequest request;
    request.method = "POST";
    request.target = api->prefix + target;
    request.body = body;
    request.headers.emplace_back("Authorization", "Bearer " + token);
    request.timeout_s = kRequestTimeoutSeconds;
    common::HttpResponse response = common::http_call(*api, request);
    if (response.status == 0) spdlog::debug("API request {}: {}", target, response.error);
    return response;
  }

  void execute(ClaimJob& job) {
    ClaimResult result;
    result.character_id = job.request.character_id;
    const common::HttpResponse reply = post("/internal/v1/leases/claim", claim_body(job.request));
    if (reply.status == 200) {
      if (!parse_claim(reply.body, result)) result.status = ServiceStatus::unavailable;
      result.character_id = job.request.character_id;
    } else if (reply.status == 409 || reply.status == 404) {
      result.status = ServiceStatus::refused;
    } else if (reply.status == 403) {  // account_banned: a ticket minted before the ban
      result.status = ServiceStatus::refused;
      result.banned = true;
    } else {
      result.status = ServiceStatus::unavailable;
    }
    if (result.status != ServiceStatus::ok)
      spdlog::info("claim of character {}: HTTP {} {}", job.request.character_id, reply.status,
                   reply.body.substr(0, 200));
    results.push({job.instance, std::move(result)});
  }

  void execute(CheckpointJob& job) {
    const common::HttpResponse reply = post("/internal/v1/checkpoints", checkpoint_body(job.batch));
    CheckpointResult parsed;
    const bool answered = (reply.status == 200 || reply.status == 409) &&
                          parse_checkpoint_results(reply.body, parsed);
    if (!answered)
      spdlog::warn("checkpoint ({}, {} character(s)): HTTP {} {}", to_string(job.batch.reason),
                   job.batch.records.size(), reply.status, reply.body.substr(0, 200));
    // One entry per record, in order: the API answers per character, in request order.
    CheckpointResult result;
    result.request_failed = !answered;
    size_t next = 0;
    for (const CheckpointRecord& record : job.batch.records) {
      CheckpointResult::Entry entry{record.character_id, record.seq, record.lease_epoch,
                                    ServiceStatus::unavailable};
      for (size_t i = next; answered && i < parsed.entries.size(); ++i) {
        if (parsed.entries[i].character_id != record.character_id) continue;
        entry.status = parsed.entries[i].status;
        next = i + 1;
        break;
      }
      result.entries.push_back(entry);
    }
    results.push({job.instance, std::move(result)});
  }

  void execute(TransferJob& job) {
    TransferResult result;
    result.character_id = job.request.checkpoint.character_id;
    const common::HttpResponse reply = post("/internal/v1/transfers", transfer_body(job.request));
    if (reply.status == 200) {
      if (!parse_transfer_grant(reply.body, result)) result.status = ServiceStatus::unavailable;
    } else if (reply.status == 409) {
      result.status = error_code(reply.body) == "stale_epoch" ? ServiceStatus::stale_epoch
                                                              : ServiceStatus::refused;
    } else {
      result.status = ServiceStatus::unavailable;
    }
    if (result.status != ServiceStatus::ok)
      spdlog::info("transfer of character {} to {}: HTTP {} {}", result.character_id,
                   job.request.target_zone, reply.status, reply.body.substr(0, 200));
    results.push({job.instance, std::move(result)});
  }

  // 200 = recorded (or the stored answer of an earlier report: the API is exactly once);
  // 409 result_conflict / match_not_open and other 4xx = refused; else unavailable (resent).
  void execute(ReportJob& job) {
    MatchReportResult result{job.report.match_id, ServiceStatus::unavailable};
    const common::HttpResponse reply =
        post("/internal/v1/matches/" + std::to_string(job.report.match_id) + "/result",
             match_result_body(job.report));
    if (reply.status == 200)
      result.status = ServiceStatus::ok;
    else if (reply.status >= 400 && reply.status < 500)
      result.status = ServiceStatus::refused;
    if (result.status != ServiceStatus::ok)
      spdlog::warn("result of match {} (winner_team {}): HTTP {} {}", job.report.match_id,
                   job.report.winner_team, reply.status, reply.body.substr(0, 200));
    results.push({job.instance, std::move(result)});
  }

  void answer_unavailable(Job& job) {
    if (auto* claim = std::get_if<ClaimJob>(&job)) {
      ClaimResult r;
      r.character_id = claim->request.character_id;
      results.push({claim->instance, std::move(r)});
    } else if (auto* batch = std::get_if<CheckpointJob>(&job)) {
      CheckpointResult r;
      r.request_failed = true;
      for (const CheckpointRecord& record : batch->batch.records)
        r.entries.push_back(
            {record.character_id, record.seq, record.lease_epoch, ServiceStatus::unavailable});
      results.push({batch->instance, std::move(r)});
    } else if (auto* transfer = std::get_if<TransferJob>(&job)) {
      TransferResult r;
      r.character_id = transfer->request.checkpoint.character_id;
      results.push({transfer->instance, std::move(r)});
    } else if (auto* report = std::get_if<ReportJob>(&job)) {
      results.push({report->instance,
                    MatchReportResult{report->report.match_id, ServiceStatus::unavailable}});
    }
  }

  std::optional<common::HttpEndpoint> api;
  std::string token;
  ServiceResults& results;

  std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<Job> queue;
  bool busy = false;
  bool stopping = false;
  std::thread worker;
};

ApiClient::ApiClient(std::string base_url, std::string token, ServiceResults& results)
    : impl_(std::make_unique<Impl>(std::move(base_url), std::move(token), results)) {}

ApiClient::~ApiClient() {
  stop();
}

void ApiClient::start() {
  impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

void ApiClient::claim(uint32_t instance, ClaimRequest request) {
  impl_->push(ClaimJob{instance, std::move(request)});
}

void ApiClient::checkpoint(uint32_t instance, CheckpointBatch batch) {
  // The API takes at most 1,000 records per body; the worker sends the parts in order.
  while (batch.records.size() > kMaxRecordsPerRequest) {
    CheckpointBatch part{batch.reason, {}};
    part.records.assign(std::make_move_iterator(batch.records.begin()),
                        std::make_move_iterator(batch.records.begin() + kMaxRecordsPerRequest));
    batch.records.erase(batch.records.begin(), batch.records.begin() + kMaxRecordsPerRequest);
    impl_->push(CheckpointJob{instance, std::move(part)});
  }
  impl_->push(CheckpointJob{instance, std::move(batch)});
}

void ApiClient::transfer(uint32_t instance, TransferRequest request) {
  impl_->push(TransferJob{instance, std::move(request)});
}

void ApiClient::report_match(uint32_t instance, MatchReport report) {
  impl_->push(ReportJob{instance, report});
}

bool ApiClient::drain(double timeout_s) {
  std::unique_lock lock(impl_->mutex);
  return impl_->idle.wait_for(lock, std::chrono::duration<double>(timeout_s),
                              [this] { return impl_->queue.empty() && !impl_->busy; });
}

void ApiClient::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->wake.notify_all();
  }
  if (impl_->worker.joinable()) impl_->worker.join();
}

}  // namespace omega::zone
