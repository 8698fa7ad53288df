// ApiClient: the CharacterService over HTTP to omega-api's internal endpoints (service token).
// One background worker thread takes queued requests in order (so a character's records
// reach the API in seq order), sends each through common's HTTP client (a fresh connection per
// request; https:// verified TLS), and pushes the answers into ServiceResults for the simulation
// thread. The simulation never waits for it.
//
// Thread safety: claim/checkpoint/transfer/report_match and drain() from any thread; start/stop
// from the owner.
#pragma once

#include <memory>
#include <string>

#include "zone/character_service.hpp"

namespace omega::zone {

class ApiClient : public CharacterService {
 public:
  // `base_url` is http[s]://host[:port][/prefix]; `token` the service token.
  ApiClient(std::string base_url, std::string token, ServiceResults& results);
  ~ApiClient() override;
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  void start();
  void claim(uint32_t instance, ClaimRequest request) override;
  void checkpoint(uint32_t instance, CheckpointBatch batch) override;
  void transfer(uint32_t instance, TransferRequest request) override;
  void report_match(uint32_t instance, MatchReport report) override;
  bool can_transfer() const override { return true; }
  // Waits until every queued request has been answered, or `timeout_s` passed (shutdown:
  // the final releases must leave before the process exits). True when drained.
  bool drain(double timeout_s);
  // Stops the worker (requests still queued are dropped).
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace omega::zone
