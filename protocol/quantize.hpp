// Quantisation constants and helpers shared by every end of the wire (zone, client, bots).
//
// Every constant states its reason; docs/PROTOCOL.md repeats them. Changing any of them changes
// the encoding: bump kProtocolVersion and the golden-byte tests.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace omega::protocol {

// ---- protocol version ------------------------------------------------------------------------
// The version this build speaks best, and the oldest it still accepts. Hello carries the
// client's [min, max]; Welcome answers with the highest version both sides support.
// Version 2 added chat (ChatSend, ChatMessage); a zone sends ChatMessage only to a session that
// negotiated 2 or later, and a version 1 client never sends ChatSend.
// Version 3 added items (ItemAction, Inventory), under the same rule.
inline constexpr uint16_t kProtocolVersion = 3;
inline constexpr uint16_t kMinProtocolVersion = 1;
inline constexpr uint16_t kChatProtocolVersion = 2;
inline constexpr uint16_t kItemsProtocolVersion = 3;

// ---- positions -------------------------------------------------------------------------------
// 1/32 tile: with 32-pixel tiles a position is exact to the pixel, and an entity walking at
// 5 tiles/s moves ~10.7 units per 15 Hz snapshot, so deltas stay small integers.
inline constexpr int kPositionUnitsPerTile = 32;
// Largest map side in tiles. 2048 × 32 = 65,536 units: a coordinate fits 16 bits exactly. The
// largest benchmark map (10,000 players at hub density) is ~1,150 tiles a side.
inline constexpr int kMaxWorldTiles = 2048;
inline constexpr int kPositionBits = 16;
inline constexpr uint32_t kMaxPositionUnits = (1u << kPositionBits) - 1;
static_assert(kMaxWorldTiles * kPositionUnitsPerTile == (1 << kPositionBits));

// ---- angles ----------------------------------------------------------------------------------
// 256 steps (1.4°): finer than any sprite set's facings and the resolution at which a 5 tiles/s
// walker's heading error stays under 0.04 tiles per snapshot.
inline constexpr int kAngleBits = 8;

// ---- entity fields ---------------------------------------------------------------------------
// Entity ids are 24 bits: 16 M ids per instance before wrapping, far above any instance's
// lifetime spawn count, and 8 bits cheaper than 32 when an id is sent in full.
inline constexpr int kEntityIdBits = 24;
inline constexpr uint32_t kMaxEntityId = (1u << kEntityIdBits) - 1;
// Hit points and mana up to ~1 M: room for raid bosses, 20 bits when sent in full.
inline constexpr int kStatBits = 20;
inline constexpr uint32_t kMaxStat = (1u << kStatBits) - 1;
inline constexpr int kLevelBits = 8;       // levels 1..255
inline constexpr int kStatusBits = 16;     // one bit per status effect (haste, slow, stun, ...)
inline constexpr int kKindBits = 3;        // player, monster, npc, ... (EntityKind)
inline constexpr int kArchetypeBits = 10;  // class / monster template index into content
inline constexpr int kMoveStateBits = 3;   // MoveState
inline constexpr int kMaxNameBytes = 24;   // UTF-8 bytes of a display name (enter only)

// ---- limits that bound a decoder's work ------------------------------------------------------
// A snapshot section never lists more entities than a client may have in view.
inline constexpr uint32_t kMaxSnapshotEntries = 1024;
// A client-side world view holds at most this many entities; a server trying to add more is
// broken or hostile, and the view refuses rather than growing without end.
inline constexpr uint32_t kMaxEntitiesInView = 2048;
inline constexpr uint32_t kMaxEventsPerMessage = 32;  // GameEvents batched per message
inline constexpr uint32_t kMaxTicketBytes = 512;      // a v1 ticket is at most 149 bytes
inline constexpr uint32_t kMaxAddressBytes = 255;     // ws://host:port/path for Transfer
inline constexpr uint32_t kMaxZoneNameBytes = 32;
inline constexpr uint32_t kMaxKickDetailBytes = 128;
// A chat line: 200 bytes is two lines of the client's chat box and more than any MMO's say.
inline constexpr uint32_t kMaxChatTextBytes = 200;
// A character name in chat (whisper target, sender): the API allows 3..16 ASCII letters and
// digits; the wire allows a display name's kMaxNameBytes.
inline constexpr uint32_t kMaxChatNameBytes = kMaxNameBytes;

// ---- tiered buckets --------------------------------------------------------------------------
// An unsigned value is coded as a unary tier prefix (i ones then a zero; the last tier has no
// zero) followed by (value - tier base) in that tier's width. Tier i covers
// [base_i, base_i + 2^width_i). Small common values cost a few bits, rare large ones stay legal.
struct TierTable {
  std::array<uint8_t, 8> widths;
  int count;
};

// The longest code of `table`, in bits: a tier's prefix and its offset.
constexpr int max_tiered_bits(const TierTable& table) {
  int longest = 0;
  for (int tier = 0; tier < table.count; ++tier)
    longest = std::max(longest, tier + (tier < table.count - 1 ? 1 : 0) + table.widths[tier]);
  return longest;
}

// Gap between consecutive ascending entity ids in one snapshot section, minus one. Neighbours
// (gap 1) cost 1 bit; a hub viewer sees ~1 in 5 ids, 4-6 bits; a lone far id costs 31 bits.
inline constexpr TierTable kIdGapTiers{{0, 2, 3, 4, 5, 6, 8, 24}, 8};
// Section counts: empty sections (most enter/leave lists) cost 1 bit.
inline constexpr TierTable kCountTiers{{0, 2, 4, 6, 8, 11}, 6};
// Position residual (zigzag) after predicting "moves as much as last time": a straight walker
// lands within ±1 unit (1-3 bits); a turn costs 8-13 bits; a teleport 21.
inline constexpr TierTable kPositionResidualTiers{{0, 1, 5, 9, 17}, 5};
// HP / mana change (zigzag): regeneration and small hits are cheap, any change is legal.
inline constexpr TierTable kStatDeltaTiers{{5, 8, 12, 21}, 4};
// Snapshot header: sequence gap minus one (always 0 from a correct server: 1 bit).
inline constexpr TierTable kSequenceGapTiers{{0, 4, 16}, 3};
// Ticks between snapshots (2 at 30 Hz tick / 15 Hz snapshot: 3 bits).
inline constexpr TierTable kTickGapTiers{{2, 4, 8, 32}, 4};
// Inputs acknowledged since the last snapshot (0 or 1 at 10-30 inputs/s: 1-2 bits).
inline constexpr TierTable kAckGapTiers{{0, 0, 3, 16}, 4};

// ---- helpers ---------------------------------------------------------------------------------

// Bits needed to hold any value in [0, range]. bits_required(0) == 0.
constexpr int bits_required(uint64_t range) {
  return static_cast<int>(std::bit_width(range));
}

constexpr uint32_t zigzag_encode(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
constexpr int32_t zigzag_decode(uint32_t v) {
  return static_cast<int32_t>(v >> 1) ^ -static_cast<int32_t>(v & 1);
}

// A float in [min, max] at `resolution` as an integer in [0, (max - min) / resolution].
inline uint32_t quantize_bounded(float value, float min, float max, float resolution) {
  const float clamped = std::clamp(value, min, max);
  return static_cast<uint32_t>(std::lround((clamped - min) / resolution));
}
inline float dequantize_bounded(uint32_t q, float min, float resolution) {
  return min + static_cast<float>(q) * resolution;
}
constexpr int bounded_bits(float min, float max, float resolution) {
  return bits_required(static_cast<uint64_t>((max - min) / resolution + 0.5f));
}

// Position in tiles <-> 1/32-tile units, clamped to the representable world.
inline uint32_t quantize_position(float tiles) {
  return quantize_bounded(tiles, 0.0f, float(kMaxPositionUnits) / kPositionUnitsPerTile,
                          1.0f / kPositionUnitsPerTile);
}
inline float dequantize_position(uint32_t units) {
  return static_cast<float>(units) / kPositionUnitsPerTile;
}

// Angle in radians (any value) <-> 8-bit step; 0 = +x, counter-clockwise towards +y.
inline uint8_t quantize_angle(float radians) {
  constexpr float kTwoPi = 2.0f * std::numbers::pi_v<float>;
  float turns = radians / kTwoPi;
  turns -= std::floor(turns);
  return static_cast<uint8_t>(static_cast<int>(std::lround(turns * 256.0f)) & 0xff);
}
inline float dequantize_angle(uint8_t step) {
  return static_cast<float>(step) * (2.0f * std::numbers::pi_v<float> / 256.0f);
}

// ---- wrapping 16-bit sequence numbers --------------------------------------------------------
// a is newer than b when it is ahead by less than half the sequence space.
constexpr bool sequence_greater_than(uint16_t a, uint16_t b) {
  return ((a > b) && (a - b <= 32768)) || ((a < b) && (b - a > 32768));
}
constexpr bool sequence_less_than(uint16_t a, uint16_t b) {
  return sequence_greater_than(b, a);
}
// Forward distance from `from` to `to`, modulo 2^16.
constexpr uint16_t sequence_distance(uint16_t from, uint16_t to) {
  return static_cast<uint16_t>(to - from);
}

}  // namespace omega::protocol
