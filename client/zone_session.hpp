// One player's session with the zone servers: the protocol state machine (Hello → Welcome →
// snapshots), own-movement prediction, interpolation of everyone else, combat events, the
// network statistics, portal transfers and reconnection with session resume.
//
// No SDL and no sockets here: the session talks to a Transport and is driven by update(now),
// so tests run it against an in-process zone with injected latency. Join tickets come from
// outside (the API's POST /v1/play, or the dev path's local minting): when the session needs a
// fresh one to reconnect it says so through wants_ticket() and waits for provide_ticket().
//
// Thread safety: none; owned by the render thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/interpolation.hpp"
#include "client/movement_predictor.hpp"
#include "client/net_stats.hpp"
#include "client/reconnect_backoff.hpp"
#include "client/transport.hpp"
#include "game/tile_map.hpp"
#include "protocol/messages.hpp"
#include "protocol/snapshot.hpp"

namespace omega::client {

enum class SessionState {
  idle,          // not started
  connecting,    // WebSocket connecting
  handshaking,   // Hello sent, waiting for Welcome
  in_world,      // playing
  reconnecting,  // dropped; waiting for the next attempt (or for a ticket)
  transferring,  // portal: closing this zone, then connecting to the next
  failed,        // gave up; status_text() says why
  closed,        // the player left
};
const char* to_string(SessionState state);

struct ZoneTarget {
  std::string url;   // ws://host:port/
  std::string zone;  // zone name the ticket is for
  uint32_t instance = 0;
};

struct ZoneSessionSettings {
  std::string content_root = "content";
  float player_speed = 5.0f;  // the zone's OMEGA_ZONE_PLAYER_SPEED (game::kPlayerMaxSpeed)
  double interpolation_delay = kDefaultInterpolationDelaySeconds;
  // Pings once a second: the zone's idle timeout is 15 s, and the panel's RTT stays fresh.
  double heartbeat_interval = 1.0;
  // Connected but no Welcome after this long: drop and retry (the zone's own Hello timeout
  // is 5 s; a zone that accepted us and then says nothing is broken).
  double welcome_timeout = 10.0;
  // Side of the open test field used when the zone's map is "open" (OMEGA_ZONE_MAP=open:W),
  // which has no content file.
  int open_map_size = 256;
  BackoffSettings backoff;
  // Item names by content index (content/items.json order): loot and potion lines name the
  // item. An index past the end shows as "item N".
  std::vector<std::string> item_names;
};

// What the player wants to do now (keyboard/mouse or the autoplay script).
struct InputIntent {
  bool moving = false;
  float direction = 0.0f;  // radians, 0 = east, pi/2 = south
  float facing = 0.0f;
};

struct CombatLogLine {
  double time = 0.0;
  protocol::GameEventType type = protocol::GameEventType::damage;
  std::string text;
};

// The combat log's filters: fights (hits, heals, deaths), rewards (XP, levels, loot, items
// equipped) and everything else (states, refusals).
enum class LogCategory : uint8_t { fights = 0, rewards = 1, other = 2 };
inline constexpr int kLogCategories = 3;
LogCategory log_category(protocol::GameEventType type);

// A number or word floating up from an entity for a moment (damage, heals, XP).
struct FloatingText {
  double born = 0.0;
  uint32_t entity = 0;
  game::Vec2 anchor;  // where the entity was when it happened
  protocol::GameEventType type = protocol::GameEventType::damage;
  bool critical = false;
  bool about_me = false;
  std::string text;
  // Texts of one entity born together (XP, level and loot of one kill) stack upwards in lanes
  // instead of drawing over each other.
  int lane = 0;
};
// Texts of one entity born within this many seconds of each other take separate lanes.
inline constexpr double kFloatingLaneSeconds = 0.5;

// A hit or a heal drawn for a moment: a streak from the source to the target and a burst on
// the target (world screen). `ability` is the event's detail (0xffff = a basic attack).
struct CombatEffect {
  double born = 0.0;
  protocol::GameEventType type = protocol::GameEventType::damage;
  uint32_t source = 0, target = 0;
  uint16_t ability = 0;
  bool critical = false;
};
inline constexpr double kCombatEffectSeconds = 0.35;

// Our own last death (GameEvent death on our entity): when, and who killed us.
struct Death {
  double time = 0.0;
  std::string killer;  // the killer's name; empty when nobody (or unseen)
};

// A chat line as the chat box shows it.
struct ChatEntry {
  double time = 0.0;
  protocol::ChatChannel channel = protocol::ChatChannel::say;
  std::string from, to, text;
};
// How the chat box writes a line: "Aragorn: hi" (say), "[Party] …", "[World] …", whispers as
// "From Boromir: …" or, the player's own (`own_name` sent it), "To Boromir: …"; system as is.
std::string chat_line_text(const ChatEntry& line, std::string_view own_name);

// Floating texts live this long (seconds); combat log and chat lines kept.
inline constexpr double kFloatingTextSeconds = 1.5;
inline constexpr size_t kCombatLogLines = 200;
inline constexpr size_t kChatLines = 200;

class ZoneSession {
 public:
  ZoneSession(std::unique_ptr<Transport> transport, ZoneSessionSettings settings);
  ZoneSession(const ZoneSession&) = delete;
  ZoneSession& operator=(const ZoneSession&) = delete;

  // Starts (or restarts) a session: connects and presents `ticket`.
  void connect(const ZoneTarget& target, std::string ticket, double now);
  // A fresh ticket the session asked for through wants_ticket(), for the zone it wanted.
  void provide_ticket(std::string ticket, double now);
  // A fresh ticket for another place: the API's directory may seat the character elsewhere
  // (its zone restarted on another process, or a transfer had saved a new zone).
  void provide_ticket(const ZoneTarget& target, std::string ticket, double now);
  // The ticket could not be had (API error): counts as a failed attempt.
  void ticket_unavailable(const std::string& reason, double now);
  // The zone the session needs a fresh ticket for, when it is ready to reconnect.
  std::optional<ZoneTarget> wants_ticket() const;
  // Goes to another place the API named (a matched tournament's arena): leaves the current
  // instance cleanly (the zone releases the character, lease epoch unchanged), then connects
  // there with `ticket`, as a portal transfer does (transfers() counts it, travel_destination()
  // names it). Not connected: connects at once.
  void join(const ZoneTarget& target, std::string ticket, double now);
  // The player leaves the world.
  void leave();
  // Cuts the connection as a network failure would (tests, the autoplay's drop_connection).
  void simulate_drop();

  void set_intent(const InputIntent& intent) { intent_ = intent; }
  // Uses hotbar slot 1..15 on `target` (0 = none) with the next input; starts its cooldown.
  void use_action(uint8_t slot, uint32_t target, double cooldown_seconds, double now);

  // Sends a chat line (whisper: `to` names the character). False, and nothing sent, when not
  // in the world, the zone does not speak chat (protocol version 1) or the text is not one
  // line of 1..200 bytes of UTF-8 (protocol::valid_chat_text).
  bool send_chat(protocol::ChatChannel channel, const std::string& to, const std::string& text,
                 double now);
  const std::deque<ChatEntry>& chat() const { return chat_; }

  // Equips, takes off or uses (a potion) one item of the bag, by content index. False, and
  // nothing sent, when not in the world or the zone does not speak items (protocol < 3). The
  // zone answers with an Inventory; a refusal goes to the combat log.
  bool send_item_action(protocol::ItemVerb verb, uint16_t item, double now);
  // The bag as the zone last sent it (unset before the first Inventory).
  const std::optional<protocol::Inventory>& inventory() const { return inventory_; }
  // ItemActions the zone answered so far, and the last answer (item, refusal).
  uint64_t item_answers() const { return item_answers_; }
  std::pair<uint16_t, protocol::ItemRefusal> last_item_answer() const { return last_answer_; }

  // Polls the transport, handles messages, sends inputs at the zone's tick rate and heartbeats.
  void update(double now);

  SessionState state() const { return state_; }
  const std::string& status_text() const { return status_; }
  const ZoneTarget& target() const { return target_; }
  uint32_t own_entity() const { return own_entity_; }
  const std::string& zone_name() const { return zone_name_; }
  uint32_t instance_id() const { return instance_id_; }
  const game::TileMap* map() const { return map_ ? &*map_ : nullptr; }
  const std::string& map_error() const { return map_error_; }
  const protocol::WorldView& world() const { return world_; }
  const protocol::EntityState* own_state() const { return world_.find(own_entity_); }
  // Where to draw an entity now: our own predicted position, others interpolated.
  game::Vec2 draw_position(uint32_t id, double now) const;
  const NetStats& stats() const { return stats_; }
  const MovementPredictor& predictor() const { return predictor_; }
  const SnapshotClock& clock() const { return clock_; }
  const std::deque<CombatLogLine>& combat_log() const { return combat_log_; }
  const std::deque<FloatingText>& floating_texts() const { return floating_; }
  const std::deque<CombatEffect>& combat_effects() const { return effects_; }
  // Seconds until hotbar slot `slot` is ready (0 when ready) and its full cooldown.
  double cooldown_remaining(uint8_t slot, double now) const;
  double cooldown_duration(uint8_t slot) const;
  uint64_t resumes() const { return resumes_; }      // reconnects that got our entity back
  uint64_t transfers() const { return transfers_; }  // portal travels completed
  // The last Kick of this place (cleared by the next Welcome), e.g. match_over.
  std::optional<protocol::KickReason> last_kick() const { return last_kick_; }
  // In an arena instance (zone arena_… or ws path /z/arena_…/): other players are targets.
  bool in_arena() const;
  // The zone of the last Transfer (portal travel or join()), empty before any.
  const std::string& travel_destination() const { return travel_destination_; }
  uint64_t reconnect_attempts() const { return reconnect_attempts_; }
  uint16_t last_input_seq() const { return input_seq_; }
  uint64_t inputs_sent() const { return inputs_sent_; }
  // Our own last death in this session, for the death screen (unset before any).
  const std::optional<Death>& last_death() const { return last_death_; }
  // XP our own entity gained in this session (GameEvent experience).
  uint64_t experience_gained() const { return experience_gained_; }

 private:
  void handle_event(TransportEvent& event, double now);
  void handle_message(const std::vector<uint8_t>& bytes, double now);
  void on_welcome(const protocol::Welcome& welcome, double now);
  void on_chat(const protocol::ChatMessage& line, double now);
  void on_snapshot(const std::vector<uint8_t>& bytes, double now);
  void on_game_event(const protocol::GameEvent& event, double now);
  void on_closed(const std::string& reason, double now);
  void send_inputs(double now);
  void send_heartbeat(double now);
  template <class Message>
  void send(const Message& message, double now);
  void fail_connection(const std::string& reason);
  void schedule_reconnect(const std::string& reason, double now);
  void load_map(const std::string& zone);
  std::string entity_label(uint32_t id) const;
  std::string object_label(uint32_t id) const;  // "you" for our own entity
  std::string item_name(uint16_t item) const;
  void on_inventory(const protocol::Inventory& inventory, double now);
  void log(double now, protocol::GameEventType type, std::string text);

  std::unique_ptr<Transport> transport_;
  ZoneSessionSettings settings_;
  SessionState state_ = SessionState::idle;
  std::string status_;
  ZoneTarget target_;
  std::string ticket_;
  std::optional<protocol::Transfer> pending_transfer_;
  uint32_t pending_instance_ = 0;  // the instance of a join(); a zone's Transfer names none
  std::optional<protocol::KickReason> last_kick_;
  std::string travel_destination_;
  std::optional<protocol::Kick> kick_;
  bool fatal_kick_ = false;
  std::string failure_reason_;  // why we closed the connection ourselves (protocol error, ...)
  ReconnectBackoff backoff_;
  double retry_at_ = 0.0;
  bool awaiting_ticket_ = false;
  double connected_at_ = 0.0;

  uint32_t own_entity_ = 0;
  uint32_t previous_entity_ = 0;
  std::string previous_zone_;
  std::string zone_name_;
  uint32_t instance_id_ = 0;
  double tick_seconds_ = 1.0 / 30.0;
  std::optional<game::TileMap> map_;
  std::string map_error_;
  protocol::WorldView world_;
  MovementPredictor predictor_;
  SnapshotClock clock_;
  std::unordered_map<uint32_t, EntityTrack> tracks_;

  InputIntent intent_;
  uint16_t input_seq_ = 0;
  uint64_t inputs_sent_ = 0;
  double next_input_at_ = 0.0;
  bool last_sent_moving_ = false;
  uint8_t last_sent_facing_ = 0;
  bool sent_any_input_ = false;
  uint8_t pending_action_ = 0;
  uint32_t pending_target_ = 0;
  double next_heartbeat_at_ = 0.0;
  double last_update_ = 0.0;

  NetStats stats_;
  std::deque<CombatLogLine> combat_log_;
  std::deque<ChatEntry> chat_;
  bool replaying_history_ = false;   // from Welcome until a message that is not world chat
  size_t chat_held_at_welcome_ = 0;  // chat_[0, this) was shown before the latest Welcome
  std::optional<protocol::Inventory> inventory_;
  std::unordered_map<uint16_t, protocol::ItemVerb> asked_;  // item → the verb last sent
  uint64_t item_answers_ = 0;
  std::optional<Death> last_death_;
  std::pair<uint16_t, protocol::ItemRefusal> last_answer_{protocol::kNoItem,
                                                          protocol::ItemRefusal::none};
  uint16_t version_ = 0;  // negotiated in Welcome
  std::deque<FloatingText> floating_;
  std::deque<CombatEffect> effects_;
  std::unordered_map<uint8_t, std::pair<double, double>> cooldowns_;  // slot → (ready at, duration)
  uint64_t resumes_ = 0, transfers_ = 0, reconnect_attempts_ = 0;
  uint64_t experience_gained_ = 0;
};

}  // namespace omega::client
