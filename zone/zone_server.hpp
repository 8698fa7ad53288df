// ZoneServer: one zone instance's simulation-thread logic — sessions (Hello, tickets, resume,
// heartbeats, timeouts), input application, the fixed-tick World, and per-client snapshots.
//
// It never touches a socket and never reads a clock: the tick loop (tick_loop.hpp) feeds it
// inbound events and the time, calls advance() once per tick, and hands outbox() to the
// transport. That makes every rule here testable without a network (zone_server_test.cpp).
//
// Characters persist through the CharacterService, whatever the mode (zone_server_service.cpp):
// a Hello with a valid ticket waits without an entity until the claim answers, state goes out
// as checkpoints with deltas and a per-character seq (character_ledger.hpp), and portals
// transfer players to other zones when the service can place them. With an API configured the
// service is its ApiClient (leases); a standalone zone's LocalCharacterService grants every
// claim at the next tick, logs the checkpoints and cannot transfer.
//
// Thread safety: none; everything runs on the simulation thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "game/combat_content.hpp"
#include "game/tile_map.hpp"
#include "protocol/messages.hpp"
#include "protocol/snapshot.hpp"
#include "zone/arena_match.hpp"
#include "zone/character_ledger.hpp"
#include "zone/character_service.hpp"
#include "zone/chat.hpp"
#include "zone/config.hpp"
#include "zone/connection.hpp"
#include "zone/interest_grid.hpp"
#include "zone/limits.hpp"
#include "zone/outgoing_message.hpp"
#include "zone/snapshot_planner.hpp"
#include "zone/ticket_checker.hpp"
#include "zone/token_bucket.hpp"
#include "zone/worker_pool.hpp"
#include "zone/world.hpp"
#include "zone/zone_metrics.hpp"

namespace omega::zone {

// Time as the tick loop passes it in.
struct Now {
  int64_t steady_ns = 0;      // monotonic clock (timeouts, heartbeats)
  uint64_t unix_seconds = 0;  // wall clock (ticket expiry only)
};

class ZoneServer {
 public:
  // `service` (outlives the server) claims, checkpoints and transfers its characters.
  ZoneServer(const ZoneConfig& config, const game::TileMap& map, MessagePool& pool,
             ZoneMetrics& metrics, CharacterService& service);
  ~ZoneServer();
  ZoneServer(const ZoneServer&) = delete;
  ZoneServer& operator=(const ZoneServer&) = delete;

  // Inbound events, in the order the network thread saw them.
  void handle(InboundEvent& event, const Now& now);

  // One simulation tick: timeouts, inputs, movement, snapshots, heartbeats.
  void advance(uint32_t tick, const Now& now);

  // Kicks everyone with shutting_down and releases every character in one checkpoint batch.
  void shutdown(const Now& now);
  // Kicks every session of `account_id` (a moderator's kick or ban) with `reason`; their
  // characters wait in the resume window and are checkpointed as after any disconnect.
  // Returns how many sessions were kicked.
  size_t kick_account(uint64_t account_id, protocol::KickReason reason, const Now& now);

  // Plans and encodes the clients' snapshots on `workers` from now on (null: on the calling
  // thread alone). The pool outlives the server and is not used by another thread meanwhile.
  void attach_workers(WorkerPool* workers);

  // Tags this instance's requests to the service with `handle` (the host's, which routes the
  // answers back; 0 until set).
  void set_service_handle(uint32_t handle) { service_handle_ = handle; }
  // An answer of the CharacterService for this instance (claim, checkpoints, transfer, match
  // report: the on_* below); the host routes the other payloads itself.
  void on_service_result(const ServiceResult& result, const Now& now);
  // Answers of the CharacterService for this instance.
  void on_claim(const ClaimResult& result, const Now& now);
  void on_checkpoints(const CheckpointResult& result, const Now& now);
  void on_transfer(const TransferResult& result, const Now& now);
  // A market change for a character; false when the character is not live here.
  bool apply_market(const MarketDelta& delta);

  // Chat (zone_server_chat.cpp). Party, whisper and world lines go out through `relay` (null:
  // delivered in this instance only, as a standalone zone does); `history` (may be null) is
  // what a joining player gets of the world channel. Both outlive the server.
  void attach_chat(ChatRelay* relay, const ChatHistory* history);
  // A party, whisper or world line from the relay, to the players of this instance it is for.
  void deliver_chat(const ChatLine& line);
  // A moderator's mute or unmute (`until_unix` 0) or a party change, for players live here.
  void apply_social(const SocialUpdate& update);

  // Arena (zone_server_arena.cpp): this instance hosts `spec`'s match from now on — only its
  // characters may join, each at its team's spawn point (team_1 / team_2), players of the two
  // teams fight each other once it runs, the dead stay dead, and at the end the result goes
  // to the API (retried until answered) and every character leaves with Kick match_over,
  // checkpointed back into its saved zone and position.
  void set_match(MatchSpec spec, const Now& now,
                 double start_grace_s = ArenaMatch::kDefaultStartGraceSeconds);
  const ArenaMatch* match() const { return match_ ? &*match_ : nullptr; }
  void on_match_report(const MatchReportResult& result, const Now& now);
  // Players, waiting claims and sessions: an instance with none of them is empty.
  // A result report not answered yet counts as one (the instance does not close under it).
  uint32_t occupants() const;
  // Characters whose final checkpoint has not been accepted yet (left, or transferred).
  size_t departed_count() const { return departed_.size(); }
  size_t pending_claims() const { return claims_pending_.size(); }

  // Messages produced since the last call; the caller takes them (swap with an empty vector).
  std::vector<Outgoing>& outbox() { return outbox_; }

  const World& world() const { return world_; }
  World& world() { return world_; }
  uint32_t player_count() const { return static_cast<uint32_t>(players_.size()); }
  size_t session_count() const { return sessions_.size(); }
  // The entity slot bound to a live session, or World::kNoSlot (tests).
  uint32_t slot_of_connection(ConnectionId connection) const;

 private:
  struct Session;
  struct Player {
    uint32_t slot = World::kNoSlot;
    ConnectionId connection = 0;  // 0 while disconnected (resume window)
    int64_t disconnected_ns = 0;
    uint64_t account_id = 0;
    uint64_t lease_epoch = 0;
    // Chat: the party (0 = none), the end of a mute (unix s, 0 = none), the line budget.
    uint64_t party_id = 0;
    uint64_t muted_until = 0;
    TokenBucket chat_budget{kChatLinesPerSecond, kChatBurst};
    CharacterLedger ledger;         // what the character service has been told
    bool transfer_pending = false;  // stood on a portal; the API is placing the character
    int64_t next_portal_ns = 0;     // no transfer attempt before (backoff after a refusal)
    // Arena: where the character was saved (the claim answer); its checkpoints carry these.
    struct Home {
      std::string zone;
      std::optional<float> x, y;
      std::optional<uint32_t> hp, mana;
    };
    std::optional<Home> home;
  };
  // A character that left the world and whose releasing checkpoint is not accepted yet.
  struct Departed {
    CharacterLedger ledger;
    CheckpointRecord state;  // absolute fields at departure (release = true)
    Holdings holdings;
    bool release_queued = false;  // the release waits for the record in flight
  };

  Session* find_session(ConnectionId connection);
  void on_connected(ConnectionId connection, const Now& now);
  void on_disconnected(ConnectionId connection, const Now& now);
  void on_message(Session& session, InboundEvent& event, const Now& now);
  void on_hello(Session& session, const protocol::Hello& hello, bool ticket_signature_verified,
                const Now& now);
  void on_input(Session& session, const protocol::PlayerInput& input, int64_t arrival_ns,
                const Now& now);
  void on_chat(Session& session, const protocol::ChatSend& line, const Now& now);
  void on_item_action(Session& session, const protocol::ItemAction& action, const Now& now);
  // An Inventory message to every version-3 session whose bag changed since it was last sent.
  void send_inventories();
  void send_inventory(Session& session, uint16_t answered, protocol::ItemRefusal refusal);
  void tell(Session& session, std::string text);  // a system chat line to one player
  void send_chat_history(Session& session);
  void kick(Session& session, protocol::KickReason reason, const Now& now);
  void detach_player(Session& session, const Now& now);
  void expire(const Now& now);
  // Tells the senders of whispers that no zone delivered in time that nobody got them.
  void expire_whispers(const Now& now);
  // The session of our player `character` if it is connected and reads chat; else nullptr.
  Session* chat_session_of(uint64_t character);
  void apply_inputs();
  void apply_action(Session& session, const protocol::PlayerInput& input);
  void send_events(uint32_t tick);
  void log_loot(std::span<const WorldEvent> events) const;
  void send_snapshots(uint32_t tick);
  void send_pings(uint32_t tick, const Now& now);
  void write_debug_state(uint32_t tick);
  // The character leaves this instance: its releasing checkpoint goes out and the entity is
  // despawned; the caller erases it from players_.
  void leave_world(uint64_t character_id, Player& player);
  Player* spawn_character(uint64_t character_id, uint16_t class_index, std::string_view name);
  void welcome(Session& session, uint64_t character_id, Player& player, uint16_t version);

  // Claims, checkpoints and transfers (zone_server_service.cpp).
  void request_claim(Session& session, const protocol::JoinTicket& ticket, uint16_t version,
                     const Now& now);
  void spawn_claimed(const ClaimResult& result, Player& player);
  CheckpointRecord state_of(const Player& player) const;
  Holdings holdings_of(uint32_t slot) const;
  void depart(uint64_t character_id, Player& player, CheckpointReason reason);
  void drop_conflicted(uint64_t character_id, const Now& now);
  void check_portals(const Now& now);
  void send_checkpoints(const Now& now);
  void release_all();

  // Arena (zone_server_arena.cpp).
  bool arena_admits(Session& session, uint64_t character_id, const Now& now);
  void arena_spawn(const ClaimResult& result, Player& player);
  void advance_match(const Now& now);
  void end_match(const Now& now);
  void send_match_report(const Now& now);
  std::optional<ArenaMatch> match_;
  bool report_due_ = false;  // a result to report that the API has not answered yet
  bool report_in_flight_ = false;
  int64_t next_report_ns_ = 0;

  ChatRelay* chat_relay_ = nullptr;
  const ChatHistory* chat_history_ = nullptr;
  // Whispers sent from here whose receipt has not come back (zone_server_chat.cpp).
  // A whisper of one of our players, from its ChatSend until its receipt. Until the relay
  // brings it back (it was published) the deadline is the relay's (kWhisperRelayWaitNs); then
  // the receipt's (kWhisperReceiptWaitNs, from the next tick).
  struct PendingWhisper {
    uint64_t id = 0;
    uint64_t from_character = 0;
    std::string to;
    int64_t deadline_ns = 0;
    bool relayed = false;           // deliver_chat saw it come back
    bool awaiting_receipt = false;  // deadline_ns is the receipt's
  };
  std::vector<PendingWhisper> pending_whispers_;
  uint64_t next_whisper_id_ = 0;  // random start: ids from different zones do not meet

  uint32_t service_handle_ = 0;
  std::unordered_map<uint64_t, ConnectionId> claims_pending_;  // character -> waiting session
  std::unordered_map<uint64_t, Departed> departed_;
  int64_t next_checkpoint_ns_ = 0;
  int64_t next_retry_ns_ = 0;  // 0 = no failed record waiting

  template <class Message>
  void send(Session& session, const Message& message);

  ZoneConfig config_;
  MessagePool& pool_;
  ZoneMetrics& metrics_;
  CharacterService& service_;
  game::CombatContent content_;  // empty when content/ has no combat files (no combat)
  World world_;
  InterestGrid grid_;
  SnapshotPlanner planner_;
  WorkerPool* workers_ = nullptr;
  std::vector<std::unique_ptr<SnapshotPlanner>> worker_planners_;  // workers 1.. (0: planner_)
  TicketChecker tickets_;
  uint32_t snapshot_interval_ticks_;
  uint32_t next_snapshot_phase_ = 0;
  uint32_t tick_ = 0;
  int64_t next_prune_ns_ = 0;

  std::vector<std::unique_ptr<Session>> sessions_;
  std::unordered_map<ConnectionId, size_t> session_index_;
  std::vector<std::unique_ptr<Session>> spare_sessions_;  // reused: encoders keep capacity
  std::unordered_map<uint64_t, Player> players_;          // by character id
  std::vector<Outgoing> outbox_;
  std::vector<uint64_t> expired_scratch_;
  // send_events scratch: per slot, the generation in which the current client sees it.
  std::vector<uint32_t> visible_generation_;
  uint32_t generation_ = 0;
  std::vector<uint32_t> event_indices_, previous_indices_;
  // send_snapshots scratch: the sessions due this tick and their snapshots, in session order.
  std::vector<Session*> due_;
  std::vector<MessageRef> snapshots_;
  std::FILE* debug_state_log_ = nullptr;
};

}  // namespace omega::zone
