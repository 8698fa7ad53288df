// LocalCharacterService: the CharacterService of a zone with no API configured (standalone:
// development, benchmarks, bot swarms). It keeps nothing: every claim is granted at once with a
// fresh character — named Player<id>, of the class `character_id % 3` picks from the content,
// at the default spawn, holding its ticket's lease epoch — checkpoints are logged (their size)
// and accepted, match results are logged and accepted, and transfers are refused: there is no
// API to place a character in another zone, so can_transfer() is false and ZoneServer leaves
// portals inert.
//
// The answers go through ServiceResults like the API's, so ZoneServer has one persistence
// path: the host drains them at the start of the next tick, before the instances advance, so
// a Welcome leaves in the same tick's writes as when a standalone Hello spawned at once.
//
// Thread safety: called from the simulation thread only (ServiceResults takes any producer).
#pragma once

#include <string>
#include <vector>

#include "game/combat_content.hpp"
#include "zone/character_service.hpp"

namespace omega::zone {

class LocalCharacterService : public CharacterService {
 public:
  // `content` gives the class ids (it need not outlive the service; empty = no combat).
  LocalCharacterService(ServiceResults& results, const game::CombatContent& content);
  LocalCharacterService(const LocalCharacterService&) = delete;
  LocalCharacterService& operator=(const LocalCharacterService&) = delete;

  void claim(uint32_t instance, ClaimRequest request) override;
  void checkpoint(uint32_t instance, CheckpointBatch batch) override;
  void transfer(uint32_t instance, TransferRequest request) override;
  void report_match(uint32_t instance, MatchReport report) override;
  bool can_transfer() const override { return false; }

 private:
  ServiceResults& results_;
  std::vector<std::string> class_ids_;  // the content's classes, in content order
};

}  // namespace omega::zone
