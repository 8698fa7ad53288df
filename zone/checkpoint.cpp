#include "zone/checkpoint.hpp"

#include <spdlog/spdlog.h>

namespace omega::zone {

const char* to_string(CheckpointReason reason) {
  static constexpr const char* kReasons[] = {"periodic", "leave", "transfer", "shutdown"};
  return kReasons[static_cast<int>(reason)];
}

void LogCheckpointHook::checkpoint(std::span<const CharacterCheckpoint> characters,
                                   CheckpointReason reason) {
  spdlog::info("checkpoint ({}): {} character(s) (standalone: no API configured)",
               to_string(reason), characters.size());
}

}  // namespace omega::zone
