#include "zone/local_character_service.hpp"

#include <spdlog/spdlog.h>

namespace omega::zone {
namespace {

// Tickets do not carry the class, and a standalone zone has no character to read it from: the
// character id deals it from the content's first three classes (warrior, ranger, mage). A
// content with fewer classes leaves class_id empty, and ZoneServer falls back to the same rule.
constexpr uint64_t kDealtClasses = 3;

}  // namespace

LocalCharacterService::LocalCharacterService(ServiceResults& results,
                                             const game::CombatContent& content)
    : results_(results) {
  class_ids_.reserve(content.classes.size());
  for (const game::ClassDefinition& cls : content.classes) class_ids_.push_back(cls.id);
}

void LocalCharacterService::claim(uint32_t instance, ClaimRequest request) {
  ClaimResult result;
  result.character_id = request.character_id;
  result.status = ServiceStatus::ok;
  result.lease_epoch = request.ticket_epoch;
  ClaimedCharacter& character = result.character;
  character.name = "Player" + std::to_string(request.character_id);
  const uint64_t class_index = request.character_id % kDealtClasses;
  if (class_index < class_ids_.size()) character.class_id = class_ids_[class_index];
  character.zone = std::move(request.zone);
  results_.push({instance, std::move(result)});
}

// A periodic batch logs at debug: a standalone zone never checkpointed periodically before
// the zone had one persistence path, and a line every checkpoint_interval_s would bury the rest.
void LocalCharacterService::checkpoint(uint32_t instance, CheckpointBatch batch) {
  spdlog::log(
      batch.reason == CheckpointReason::periodic ? spdlog::level::debug : spdlog::level::info,
      "checkpoint ({}): {} character(s) (standalone: no API configured)", to_string(batch.reason),
      batch.records.size());
  CheckpointResult answer;
  answer.entries.reserve(batch.records.size());
  for (const CheckpointRecord& record : batch.records)
    answer.entries.push_back(
        {record.character_id, record.seq, record.lease_epoch, ServiceStatus::ok});
  results_.push({instance, std::move(answer)});
}

void LocalCharacterService::transfer(uint32_t instance, TransferRequest request) {
  TransferResult refused;
  refused.character_id = request.checkpoint.character_id;
  refused.status = ServiceStatus::refused;
  results_.push({instance, std::move(refused)});
}

void LocalCharacterService::report_match(uint32_t instance, MatchReport report) {
  spdlog::info("match {}: winner team {} (standalone: no API configured, not recorded)",
               report.match_id, report.winner_team);
  results_.push({instance, MatchReportResult{report.match_id, ServiceStatus::ok}});
}

}  // namespace omega::zone
