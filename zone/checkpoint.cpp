#include "zone/checkpoint.hpp"

#include <spdlog/spdlog.h>

namespace omega::zone {

void LogCheckpointHook::checkpoint(std::span<const CharacterCheckpoint> characters,
                                   CheckpointReason reason) {
  static constexpr const char* kReasons[] = {"periodic", "leave", "transfer", "shutdown"};
  spdlog::info("checkpoint ({}): {} character(s) (no persistence configured yet)",
               kReasons[static_cast<int>(reason)], characters.size());
}

}  // namespace omega::zone
