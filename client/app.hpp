// The desktop client's screens and flows: login / register, character select (list, create,
// delete), entering the world (POST /v1/play for API characters; the dev path's local ticket
// only for the offline dev character on a standalone zone), portal travel with its loading
// screen, and the world view with its HUD (world_screen.cpp). Drawn with Dear ImGui each frame;
// the world itself is drawn on ImGui's background draw list.
//
// Each window (leaderboard, party, friends, chat, market, inventory, tournaments) is a panel
// (*_panel.hpp) that owns its state and drawing; the App owns what they share (the HTTP client
// and its pending calls, the account, the selected character, the zone session, the clock) and
// hands them its PanelHost view (panel_host.hpp). A new window is a new panel class, an App
// member and its draw() call in frame(); the App's actions below forward to the panels so that
// the autoplay runner and the buttons drive the same code.
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
#include "client/chat_panel.hpp"
#include "client/command_line.hpp"
#include "client/content_catalog.hpp"
#include "client/friends_panel.hpp"
#include "client/http_client.hpp"
#include "client/inventory_panel.hpp"
#include "client/leaderboard_panel.hpp"
#include "client/level_progress.hpp"
#include "client/market_panel.hpp"
#include "client/panel_host.hpp"
#include "client/party_panel.hpp"
#include "client/tournament_panel.hpp"
#include "client/zone_session.hpp"

namespace omega::client {

enum class Screen { login, characters, world };

// Privately a PanelHost: the panels see that narrow view of it, nobody else needs to.
class App : private PanelHost {
 public:
  App(SDL_Renderer* renderer, ClientOptions options);
  ~App() override;
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
  // The window actions below forward to their panels (*_panel.hpp).
  void open_leaderboard(const std::string& board) { leaderboard_.open(board); }
  // Opens a window by name: leaderboard, party, friends, market, tournaments, network,
  // inventory; false if unknown.
  bool open_window(const std::string& name);
  // Parties (POST/GET /v1/parties...), acting as the selected character.
  void create_party() { party_.create(); }
  void invite_to_party(const std::string& character_name) { party_.invite(character_name); }
  void join_party(int64_t party_id) { party_.join(party_id); }
  void leave_party() { party_.leave(); }
  void refresh_party() { party_.refresh(); }
  // Friends (/v1/characters/{id}/friends...), of the selected character; each change reads
  // the list back.
  void refresh_friends() { friends_.refresh(); }
  void add_friend(const std::string& character_name) { friends_.add(character_name); }
  void accept_friend(int64_t character_id) { friends_.accept(character_id); }
  void remove_friend(int64_t character_id) { friends_.remove(character_id); }
  // Trading post (GET /v1/market/listings, POST .../buy) and tournaments (/v1/tournaments...).
  void search_market(const std::string& item_name) { market_.search(item_name); }
  void buy_listing(int64_t listing_id) { market_.buy(listing_id); }
  // Lists `quantity` of `item_id` (from the bag's unworn stacks) at `price` gold each, or
  // cancels one of the selected character's own listings (the items come back to the bag).
  void sell_item(const std::string& item_id, int64_t quantity, int64_t price) {
    market_.sell(item_id, quantity, price);
  }
  void cancel_listing(int64_t listing_id) { market_.cancel(listing_id); }
  // Drinks the first potion in the bag that gives back hp (`mana` false) or mana (hotbar Q, E).
  void use_potion(bool mana) { inventory_.use_potion(mana); }
  // Equips, takes off or uses an item of the bag (inventory window, autoplay).
  bool item_action(protocol::ItemVerb verb, const std::string& item_id) {
    return inventory_.item_action(verb, item_id);
  }
  void refresh_tournaments() { tournaments_.refresh(); }
  void queue_for_tournament(const std::string& id) { tournaments_.queue(id); }
  void leave_tournament_queue() { tournaments_.leave_queue(); }
  void poll_tournament_status() { tournaments_.poll_status(); }
  // A matched status: leave the world instance cleanly and enter the arena with its ticket.
  void join_arena(const PlayGrant& arena) override;
  // Autoplay's hands on the controls (otherwise the keyboard and mouse decide).
  void set_scripted_intent(std::optional<InputIntent> intent) { scripted_intent_ = intent; }
  void use_hotbar(int slot, double now);
  void target_nearest();

  // ---- state (screens, autoplay) ----
  Screen screen() const { return screen_; }
  bool busy() const override { return !pending_.empty(); }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }
  const std::vector<CharacterSummary>& characters() const { return characters_; }
  bool characters_loaded() const { return characters_loaded_; }
  int64_t selected_character() const { return selected_character_; }
  ZoneSession* session() override { return session_.get(); }
  uint32_t target() const { return target_; }
  bool leaderboard_loaded() const { return leaderboard_.loaded(); }
  const std::vector<LeaderboardRow>& leaderboard() const { return leaderboard_.rows(); }
  const std::optional<Party>& party() const { return party_.party(); }
  const std::vector<FriendEntry>& friends() const { return friends_.friends(); }
  const ContentCatalog& content() const override { return content_; }
  // True while the "Travelling to …" screen shows (a portal transfer, and a moment after).
  bool travelling() const { return !travel_zone_.empty(); }
  // The result of the last arena match played in this run (the result window), if known.
  const std::optional<MatchResult>& match_result() const { return tournaments_.match_result(); }

 private:
  enum class Call {
    login,
    register_account,
    refresh,
    list_characters,
    create_character,
    delete_character,
    play,
    panel  // a panel's call (PanelHost::call_api): its on_answer handles the answer
  };
  struct Pending {
    Call call;
    HttpRequestSpec request;
    bool retried = false;             // already retried after refreshing the access token
    bool reconnect = false;           // a play call for the session's reconnect
    ApiAnswerHandler on_answer = {};  // Call::panel only
  };

  // PanelHost (busy, session, content and join_arena are public above).
  void call_api(HttpRequestSpec request, ApiAnswerHandler on_answer) override;
  bool signed_in() const override { return tokens_.has_value(); }
  bool dev_character() const override { return dev_character_; }
  int64_t character_id() const override { return selected_character_; }
  double now() const override { return now_; }

  void submit(Call call, HttpRequestSpec request, bool reconnect = false);
  void poll_http();
  void on_response(Pending pending, const HttpResult& result);
  void start_session(const ZoneTarget& target, const std::string& ticket);
  std::optional<std::string> mint_dev_ticket(const std::string& zone, uint32_t instance,
                                             std::string& error);
  void provide_reconnect_ticket();
  // The queue status asked for a lost arena connection: the running match's fresh ticket, or
  // (match gone) the world through POST /v1/play.
  void take_reconnect_status(const ApiAnswer& answer);
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
  void draw_death_screen(double now);  // world_screen.cpp
  void draw_combat_effects(ImDrawList* draw, double now,
                           const std::function<ImVec2(game::Vec2)>& to_screen);
  void build_minimap();                 // world_screen.cpp
  InputIntent keyboard_intent() const;  // world_screen.cpp

  SDL_Renderer* renderer_;
  ClientOptions options_;
  ContentCatalog content_;
  game::Progression progression_;  // the XP curve (content/progression.json)
  std::unique_ptr<HttpClient> http_;
  std::map<uint64_t, Pending> pending_;
  std::map<uint64_t, Pending> refresh_replays_;  // refresh request id → the call to replay
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
  bool show_network_ = true;                             // the HUD's network panel
  bool log_shown_[kLogCategories] = {true, true, true};  // combat log filters (LogCategory)
  SDL_Texture* minimap_ = nullptr;
  std::string minimap_zone_;
  mutable float facing_ = 0.0f;  // last facing the keyboard/mouse chose

  // The windows (frame() draws them after the screen; the inventory lists on the market).
  LeaderboardPanel leaderboard_{*this};
  PartyPanel party_{*this};
  FriendsPanel friends_{*this};
  ChatPanel chat_{*this};  // part of the world HUD
  MarketPanel market_{*this};
  InventoryPanel inventory_{*this, market_};
  TournamentPanel tournaments_{*this};
};

}  // namespace omega::client
