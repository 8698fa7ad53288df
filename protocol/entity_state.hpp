// The replicated state of one entity, already quantised to its wire resolution.
//
// The zone server fills one of these per entity from its simulation state (quantising with the
// helpers in quantize.hpp); the snapshot codec sends it; a client's WorldView holds the decoded
// copy. Plain value type, no allocation (the name is a fixed array).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "protocol/quantize.hpp"

namespace omega::protocol {

enum class EntityKind : uint8_t { player = 0, monster = 1, npc = 2, projectile = 3, loot = 4 };
inline constexpr EntityKind kMaxEntityKind = EntityKind::loot;

// Movement / animation state shown by clients; the server decides it.
enum class MoveState : uint8_t {
  idle = 0,
  walking = 1,
  attacking = 2,
  casting = 3,
  stunned = 4,
  dead = 5,
};
inline constexpr MoveState kMaxMoveState = MoveState::dead;

// A display name: up to kMaxNameBytes UTF-8 bytes, stored inline.
struct EntityName {
  std::array<char, kMaxNameBytes> bytes{};
  uint8_t length = 0;

  EntityName() = default;
  explicit EntityName(std::string_view text) { assign(text); }
  void assign(std::string_view text) {
    length = static_cast<uint8_t>(text.size() < bytes.size() ? text.size() : bytes.size());
    std::memcpy(bytes.data(), text.data(), length);
  }
  std::string_view view() const { return {bytes.data(), length}; }
  // Container interface for serialize_bytes.
  using value_type = char;
  size_t size() const { return length; }
  void resize(size_t n) { length = static_cast<uint8_t>(n); }
  char& operator[](size_t i) { return bytes[i]; }
  char operator[](size_t i) const { return bytes[i]; }
  bool operator==(const EntityName& other) const { return view() == other.view(); }
};

struct EntityState {
  uint32_t id = 0;  // 1..kMaxEntityId; 0 is "no entity"
  EntityKind kind = EntityKind::player;
  uint16_t archetype = 0;  // class or monster template (content index)
  uint16_t x = 0, y = 0;   // position in 1/kPositionUnitsPerTile tile units
  uint8_t facing = 0;      // quantize_angle()
  MoveState move_state = MoveState::idle;
  uint32_t hp = 0, max_hp = 0;  // 0..kMaxStat
  uint32_t mana = 0, max_mana = 0;
  uint8_t level = 1;            // 1..255
  uint16_t status_effects = 0;  // bit i set = status effect i active
  EntityName name;              // sent when the entity enters view, never in updates

  bool operator==(const EntityState&) const = default;
};

// Fields of an update, one bit each in the changed-field mask (in this order on the wire).
enum EntityField : uint16_t {
  kFieldPosition = 1 << 0,
  kFieldFacing = 1 << 1,
  kFieldMoveState = 1 << 2,
  kFieldHp = 1 << 3,
  kFieldMaxHp = 1 << 4,
  kFieldMana = 1 << 5,
  kFieldMaxMana = 1 << 6,
  kFieldLevel = 1 << 7,
  kFieldStatus = 1 << 8,
};
inline constexpr int kFieldCount = 9;
inline constexpr uint32_t kAllFields = (1u << kFieldCount) - 1;

// Which replicated fields differ between a baseline and the current state (kind, archetype
// and name never change while an entity is in view).
inline uint32_t changed_fields(const EntityState& baseline, const EntityState& current) {
  uint32_t mask = 0;
  if (baseline.x != current.x || baseline.y != current.y) mask |= kFieldPosition;
  if (baseline.facing != current.facing) mask |= kFieldFacing;
  if (baseline.move_state != current.move_state) mask |= kFieldMoveState;
  if (baseline.hp != current.hp) mask |= kFieldHp;
  if (baseline.max_hp != current.max_hp) mask |= kFieldMaxHp;
  if (baseline.mana != current.mana) mask |= kFieldMana;
  if (baseline.max_mana != current.max_mana) mask |= kFieldMaxMana;
  if (baseline.level != current.level) mask |= kFieldLevel;
  if (baseline.status_effects != current.status_effects) mask |= kFieldStatus;
  return mask;
}

}  // namespace omega::protocol
