// The desktop client's screens and flows: login / register, character select (list, create,
// delete), entering the world (POST /v1/play for API characters; the dev path's local ticket
// only for the offline dev character on a standalone zone), portal travel with its loading
// screen, the world view with its HUD, and the leaderboard, party, market and tournament
// windows (*_window.cpp). Drawn with Dear ImGui each frame; the world itself is drawn on
// ImGui's background draw list (world_screen.cpp).
//
// The App never blocks: HTTP runs on HttpClient's worker, the zone connection on its own
// I/O thread, and frame() only polls both. The autoplay runner drives the same public
// actions a player's clicks do.
//
// Thread safety: render thread only.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/api_models.hpp"
#include "client/command_line.hpp"
#include "client/content_catalog.hpp"
#include "client/http_client.hpp"
#include "client/level_progress.hpp"
#include "client/zone_session.hpp"

namespace omega::client {

enum class Screen { login, characters, world };

class App {
 public:
  App(SDL_Renderer* renderer, ClientOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Input events the world screen wants (keys, clicks); ImGui sees them separately.
  void handle_event(const SDL_Event& event);
  // One frame: polls HTTP and the zone, builds the ImGui frame, draws the world.
  void frame(double now);
  // True once the player closed the window or chose Quit.
  bool quit_requested() const { return quit_; }

  // ---- actions (buttons and the autoplay script) ----
  void login(const std::string& username, const std::string& password, bool register_if_missing);
  void refresh_characters();
  void create_character(const std::string& name, const std::string& class_id);
  void delete_character(int64_t id);
  void select_character(int64_t id);
  // Plays character `id` named `name` through the dev path, without the API.
  void select_dev_character(int64_t id, const std::string& name);
  void enter_world();
  void leave_world();
  void open_leaderboard(const std::string& board);
  // Opens a window by name: leaderboard, party, friends, market, tournaments, network,
  // inventory; false if unknown.
  bool open_window(const std::string& name);
  // Parties (POST/GET /v1/parties...), acting as the selected character.
  void create_party();
  void invite_to_party(const std::string& character_name);
  void join_party(int64_t party_id);
  void leave_party();
  void refresh_party();
  // Friends (/v1/characters/{id}/friends...), of the selected character; each change reads
  // the list back.
  void refresh_friends();
  void add_friend(const std::string& character_name);
  void accept_friend(int64_t character_id);
  void remove_friend(int64_t character_id);
  // Trading post (GET /v1/market/listings, POST .../buy) and tournaments (/v1/tournaments...).
  void search_market(const std::string& item_name);
  void buy_listing(int64_t listing_id);
  // Lists `quantity` of `item_id` (from the bag's unworn stacks) at `price` gold each, or
  // cancels one of the selected character's own listings (the items come back to the bag).
  void sell_item(const std::string& item_id, int64_t quantity, int64_t price);
  void cancel_listing(int64_t listing_id);
  // Drinks the first potion in the bag that gives back hp (`mana` false) or mana (hotbar Q, E).
  void use_potion(bool mana);
  // Equips, takes off or uses an item of the bag (inventory window, autoplay).
  bool item_action(protocol::ItemVerb verb, const std::string& item_id);
  void refresh_tournaments();
  void queue_for_tournament(const std::string& id);
  void leave_tournament_queue();
  void poll_tournament_status();
  // A matched status: leave the world instance cleanly and enter the arena with its ticket.
  void join_arena(const PlayGrant& arena);
  // Autoplay's hands on the controls (otherwise the keyboard and mouse decide).
  void set_scripted_intent(std::optional<InputIntent> intent) { scripted_intent_ = intent; }
  void use_hotbar(int slot, double now);
  void target_nearest();

  // ---- state (screens, autoplay) ----
  Screen screen() const { return screen_; }
  bool busy() const { return !pending_.empty(); }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }
  const std::vector<CharacterSummary>& characters() const { return characters_; }
  bool characters_loaded() const { return characters_loaded_; }
  int64_t selected_character() const { return selected_character_; }
  ZoneSession* session() { return session_.get(); }
  uint32_t target() const { return target_; }
  bool leaderboard_loaded() const { return leaderboard_loaded_; }
  const std::vector<LeaderboardRow>& leaderboard() const { return leaderboard_rows_; }
  const std::optional<Party>& party() const { return party_; }
  const std::vector<FriendEntry>& friends() const { return friends_; }
  const ContentCatalog& content() const { return content_; }
  // True while the "Travelling to …" screen shows (a portal transfer, and a moment after).
  bool travelling() const { return !travel_zone_.empty(); }
  // The result of the last arena match played in this run (the result window), if known.
  const std::optional<MatchResult>& match_result() const { return match_result_; }

 private:
  enum class Call {
    login,
    register_account,
    refresh,
    list_characters,
    create_character,
    delete_character,
    play,
    leaderboard,
    party,
    party_left,
    friends,
    friend_change,
    market_search,
    market_buy,
    market_sell,
    market_cancel,
    tournaments,
    tournament_status,
    report
  };
  struct Pending {
    Call call;
    HttpRequestSpec request;
    bool retried = false;    // already retried after refreshing the access token
    bool reconnect = false;  // a play call for the session's reconnect
  };

  void submit(Call call, HttpRequestSpec request, bool reconnect = false);
  void poll_http();
  void on_response(Pending pending, const HttpResult& result);
  void start_session(const ZoneTarget& target, const std::string& ticket);
  std::optional<std::string> mint_dev_ticket(const std::string& zone, uint32_t instance,
                                             std::string& error);
  void provide_reconnect_ticket();
  void track_travel(double now);
  const CharacterSummary* selected() const;
  std::string class_of_selected() const;
  double ability_cooldown(int slot) const;
  std::string ability_name(int slot) const;
  int hotbar_size() const;

  void draw_login();
  void draw_characters();
  void draw_world(double now);      // world_screen.cpp
  void draw_world_hud(double now);  // world_screen.cpp
  void draw_loading(const std::string& title, const std::string& detail);
  void draw_leaderboard_window();
  // Begins an account window (party, market, tournaments) at its first-use size and place;
  // false (window ended) when it is collapsed, or without an account, where it says `needs`.
  bool begin_account_window(const char* title, bool* open, ImVec2 size, ImVec2 position,
                            const char* needs);
  void draw_party_window();    // party_window.cpp
  void draw_friends_window();  // friends_window.cpp
  void draw_chat_window();     // chat_window.cpp
  // Reports `line`'s sender to the moderators (POST /v1/reports) for `reason`.
  void report_chat_line(const ChatEntry& line, const char* reason);  // chat_window.cpp
  // A fixed 380×170 HUD panel at the bottom left, `row` panels up from the bottom (0: the
  // combat log, 1: the chat box above it). Begins the window; the caller Ends it.
  static void begin_bottom_panel(const char* title, int row);  // world_screen.cpp
  void draw_market_window();                                   // market_window.cpp
  void draw_inventory_window();                                // inventory_window.cpp
  void draw_death_screen(double now);                          // world_screen.cpp
  void draw_combat_effects(ImDrawList* draw, double now,
                           const std::function<ImVec2(game::Vec2)>& to_screen);
  void draw_match_result();  // tournament_window.cpp
  void ask_match_result();
  void draw_market_notes();  // the answer to the last buy, listing or cancel
  static std::string new_idempotency_key(const std::string& what);
  std::string item_display_name(const std::string& item_id) const;
  void draw_tournament_window();        // tournament_window.cpp
  void build_minimap();                 // world_screen.cpp
  InputIntent keyboard_intent() const;  // world_screen.cpp

  SDL_Renderer* renderer_;
  ClientOptions options_;
  ContentCatalog content_;
  game::Progression progression_;  // the XP curve (content/progression.json)
  std::unique_ptr<HttpClient> http_;
  std::map<uint64_t, Pending> pending_;
  std::map<uint64_t, Call> refresh_replays_;  // refresh request id → the call to replay after it
  Screen screen_ = Screen::login;
  std::string error_;
  std::string info_;
  bool quit_ = false;
  double now_ = 0.0;

  // Account.
  std::optional<TokenPair> tokens_;
  std::string username_, password_;
  bool register_if_missing_ = false;
  // Character select.
  std::vector<CharacterSummary> characters_;
  bool characters_loaded_ = false;
  int64_t selected_character_ = 0;
  bool dev_character_ = false;
  CharacterSummary dev_summary_;
  char new_name_[32] = "";
  int new_class_index_ = 0;
  char login_user_[64] = "";
  char login_password_[128] = "";
  // World.
  std::unique_ptr<ZoneSession> session_;
  bool using_api_tickets_ = false;  // POST /v1/play worked: reconnect through it too
  bool ticket_request_in_flight_ = false;
  uint32_t target_ = 0;
  LevelProgress level_progress_;     // the XP bar: stored XP plus this session's events
  uint64_t experience_counted_ = 0;  // session experience already added to level_progress_
  std::string travel_zone_;          // where the portal takes us; empty when not travelling
  double travel_screen_until_ = 0.0;
  uint64_t transfers_seen_ = 0;  // session transfers already shown
  std::optional<InputIntent> scripted_intent_;
  bool show_leaderboard_ = false;
  bool show_network_ = true;
  std::string leaderboard_board_ = "level";
  std::vector<LeaderboardRow> leaderboard_rows_;
  bool leaderboard_loaded_ = false;
  std::string leaderboard_error_;
  bool show_party_ = false;
  std::optional<Party> party_;
  std::string party_error_;
  char party_invitee_[24] = "";
  char party_join_id_[24] = "";
  bool show_friends_ = false;
  std::vector<FriendEntry> friends_;
  bool friends_loaded_ = false;
  std::string friends_error_;
  char friend_name_[24] = "";
  bool show_market_ = false;
  // Chat box: the channel (ChatChannel say..world), whisper target, the line being typed.
  int chat_channel_ = 0;
  char chat_to_[32] = "";
  char chat_text_[256] = "";
  bool focus_chat_ = false;  // Enter pressed in the world: the line takes the keyboard
  std::string chat_notice_;  // the answer to the last report, shown under the lines
  std::vector<MarketListing> market_listings_;
  bool market_loaded_ = false;
  std::string market_error_, market_info_;
  std::string market_query_;  // item name text of the last search, empty for all
  char market_filter_[48] = "";
  bool show_inventory_ = false;
  bool log_shown_[kLogCategories] = {true, true, true};  // combat log filters (LogCategory)
  int sell_item_ = -1;  // content index of the item the sell form is for, -1 = none
  int sell_quantity_ = 1;
  int sell_price_ = 1;
  bool show_tournaments_ = false;
  std::vector<TournamentInfo> tournaments_;
  bool tournaments_loaded_ = false;
  std::optional<TournamentStatus> tournament_status_;
  std::string tournament_error_;
  double tournament_poll_at_ = 0.0;
  int64_t joined_match_id_ = -1;  // the match whose arena we joined (once per match)
  // After Kick match_over: the queue status is asked (every second, up to 15 s) until it tells
  // how that match went; the result window shows it.
  struct AwaitedResult {
    std::string tournament;
    int64_t match_id = 0;
    double next_ask = 0.0, give_up = 0.0;
  };
  std::optional<AwaitedResult> awaited_result_;
  std::optional<MatchResult> match_result_;
  SDL_Texture* minimap_ = nullptr;
  std::string minimap_zone_;
  mutable float facing_ = 0.0f;  // last facing the keyboard/mouse chose
};

}  // namespace omega::client
