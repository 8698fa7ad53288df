#include "client/app.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "client/arena_flow.hpp"
#include "client/delayed_transport.hpp"
#include "client/websocket_transport.hpp"
#include "protocol/ticket.hpp"

namespace omega::client {

namespace {

// Dev tickets live as long as a real one would: long enough to connect, short enough that a
// leaked one is soon useless.
constexpr uint64_t kDevTicketSeconds = 300;
// A portal's loading screen stays at least this long: a fast hop between two zones of one
// process takes a few frames, and a screen that flickers by reads as a glitch.
constexpr double kMinTravelScreenSeconds = 1.0;

std::string find_content_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  for (const char* candidate : {"content", "../content", "../../content", "../../../content"})
    if (std::filesystem::exists(std::string(candidate) + "/classes.json")) return candidate;
  return "content";
}

uint64_t unix_now() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

App::App(SDL_Renderer* renderer, ClientOptions options)
    : renderer_(renderer), options_(std::move(options)) {
  options_.content_root = find_content_root(options_.content_root);
  content_ = ContentCatalog::load(options_.content_root);
  game::CombatContent combat;
  std::string combat_error;
  // Without it the XP bar has no curve and shows the XP alone; the game still plays.
  if (combat.load(options_.content_root, 30, combat_error))
    progression_ = std::move(combat.progression);
  else
    std::fprintf(stderr, "omega-client: no progression curve: %s\n", combat_error.c_str());
  http_ = std::make_unique<HttpClient>(options_.api_url, options_.ca_file);
  std::snprintf(login_user_, sizeof login_user_, "%s", options_.username.c_str());
  std::snprintf(login_password_, sizeof login_password_, "%s", options_.password.c_str());
}

App::~App() {
  if (minimap_) SDL_DestroyTexture(minimap_);
}

// ---- HTTP ------------------------------------------------------------------------------------

void App::submit(Call call, HttpRequestSpec request, bool reconnect) {
  if (tokens_ && call != Call::login && call != Call::register_account && call != Call::refresh)
    request.bearer = tokens_->access_token;
  const uint64_t id = http_->submit(request);
  pending_[id] = {call, std::move(request), false, reconnect};
}

void App::call_api(HttpRequestSpec request, ApiAnswerHandler on_answer) {
  if (tokens_) request.bearer = tokens_->access_token;
  const uint64_t id = http_->submit(request);
  pending_[id] = {Call::panel, std::move(request), false, false, std::move(on_answer)};
}

void App::poll_http() {
  HttpResult result;
  while (http_->poll(result)) {
    auto it = pending_.find(result.id);
    if (it == pending_.end()) continue;
    Pending pending = std::move(it->second);
    pending_.erase(it);
    on_response(std::move(pending), result);
  }
}

void App::login(const std::string& username, const std::string& password,
                bool register_if_missing) {
  username_ = username;
  password_ = password;
  register_if_missing_ = register_if_missing;
  error_.clear();
  info_ = "logging in…";
  submit(Call::login, {"POST", "/v1/auth/login", credentials_body(username, password), ""});
}

void App::refresh_characters() {
  submit(Call::list_characters, {"GET", "/v1/characters", "", ""});
}

void App::create_character(const std::string& name, const std::string& class_id) {
  error_.clear();
  submit(Call::create_character,
         {"POST", "/v1/characters", create_character_body(name, class_id), ""});
}

void App::delete_character(int64_t id) {
  error_.clear();
  submit(Call::delete_character, {"DELETE", "/v1/characters/" + std::to_string(id), "", ""});
}

void App::select_character(int64_t id) {
  selected_character_ = id;
  dev_character_ = false;
}

void App::select_dev_character(int64_t id, const std::string& name) {
  dev_character_ = true;
  dev_summary_ = {};
  dev_summary_.id = id;
  dev_summary_.name = name;
  dev_summary_.class_id = "warrior";
  dev_summary_.zone = options_.dev_zone_name;
  selected_character_ = id;
  characters_loaded_ = true;
  screen_ = Screen::characters;
}

const CharacterSummary* App::selected() const {
  if (dev_character_) return &dev_summary_;
  for (const auto& c : characters_)
    if (c.id == selected_character_) return &c;
  return nullptr;
}

void App::on_response(Pending pending, const HttpResult& result) {
  const bool ok = result.status >= 200 && result.status < 300;
  const std::string failure =
      result.status == 0 ? result.error : describe_api_error(result.status, result.body);
  // An expired access token: refresh once, then replay the call.
  if (result.status == 401 && tokens_ && !pending.retried && pending.call != Call::login &&
      pending.call != Call::register_account && pending.call != Call::refresh) {
    pending.retried = true;
    const uint64_t id =
        http_->submit({"POST", "/v1/auth/refresh", refresh_body(tokens_->refresh_token), ""});
    pending_[id] = {Call::refresh, {}, true, false};
    // Park the original, replayed when the refresh answers.
    refresh_replays_[id] = std::move(pending);
    return;
  }
  switch (pending.call) {
    case Call::panel:
      pending.on_answer({result.status, result.body, failure});
      return;
    case Call::login:
      if (ok) {
        tokens_ = parse_token_pair(result.body);
        if (!tokens_) {
          error_ = "the API's login answer is not understood";
          return;
        }
        info_.clear();
        screen_ = Screen::characters;
        refresh_characters();
      } else if (result.status == 401 && register_if_missing_ &&
                 api_error_code(result.body) == "invalid_credentials") {
        register_if_missing_ = false;  // once: a wrong password for an existing name stays an error
        info_ = "creating account…";
        submit(Call::register_account,
               {"POST", "/v1/auth/register", credentials_body(username_, password_), ""});
      } else {
        info_.clear();
        error_ = "Login failed: " + failure;
      }
      return;
    case Call::register_account:
      if (ok || result.status == 409) {
        if (!ok) {  // the name exists: the password was wrong
          info_.clear();
          error_ = "Login failed: wrong username or password";
          return;
        }
        submit(Call::login, {"POST", "/v1/auth/login", credentials_body(username_, password_), ""});
      } else {
        info_.clear();
        error_ = "Registration failed: " + failure;
      }
      return;
    case Call::refresh: {
      const auto replay = refresh_replays_.find(result.id);
      std::optional<Pending> original;
      if (replay != refresh_replays_.end()) {
        original = std::move(replay->second);
        refresh_replays_.erase(replay);
      }
      if (ok) {
        if (auto tokens = parse_token_pair(result.body)) tokens_ = tokens;
      }
      if (!ok || !original || !tokens_) {
        error_ = "Your session expired; please log in again (" + failure + ")";
        screen_ = Screen::login;
        tokens_.reset();
        return;
      }
      original->request.bearer = tokens_->access_token;
      original->retried = true;
      const uint64_t id = http_->submit(original->request);
      pending_[id] = std::move(*original);
      return;
    }
    case Call::list_characters:
      if (ok) {
        if (auto list = parse_character_list(result.body)) {
          characters_ = std::move(*list);
          characters_loaded_ = true;
          if (!selected() && !characters_.empty()) selected_character_ = characters_.front().id;
        } else {
          error_ = "the API's character list is not understood";
        }
      } else {
        error_ = "Cannot list characters: " + failure;
      }
      return;
    case Call::create_character:
      if (ok) {
        if (auto created = parse_created_character(result.body)) selected_character_ = created->id;
        new_name_[0] = '\0';
        refresh_characters();
      } else {
        error_ = "Cannot create the character: " + failure;
      }
      return;
    case Call::delete_character:
      if (!ok) error_ = "Cannot delete the character: " + failure;
      refresh_characters();
      return;
    case Call::play: {
      ticket_request_in_flight_ = false;
      if (ok) {
        const auto grant = parse_play_grant(result.body);
        if (!grant) {
          error_ = "the API's play answer is not understood";
        } else if (pending.reconnect && session_) {
          // The directory decides where the character plays now: not always where it was.
          session_->provide_ticket({grant->ws_url, grant->zone, grant->instance}, grant->ticket,
                                   now_);
        } else {
          using_api_tickets_ = true;
          start_session({grant->ws_url, grant->zone, grant->instance}, grant->ticket);
        }
        return;
      }
      // An API character plays only through the directory: a locally minted dev ticket would
      // skip the lease, and a world-mode zone refuses it anyway (lease_conflict). The dev path
      // is the `dev_character` / "Play offline dev character" one, for a standalone zone.
      const std::string why =
          result.status == 404 && api_error_code(result.body).empty()
              ? "this API has no POST /v1/play (an older omega-api?); for a standalone "
                "zone use --dev-zone URL --dev-key-seed HEX and the offline dev character"
              : failure;
      if (pending.reconnect && session_)
        session_->ticket_unavailable(why, now_);
      else
        error_ = "Cannot enter the world: " + why;
      return;
    }
  }
}

// ---- entering the world ----------------------------------------------------------------------

std::optional<std::string> App::mint_dev_ticket(const std::string& zone, uint32_t instance,
                                                std::string& error) {
  if (!options_.dev_key_seed) {
    error = "the dev path needs --dev-key-seed";
    return std::nullopt;
  }
  const CharacterSummary* character = selected();
  if (!character) {
    error = "no character selected";
    return std::nullopt;
  }
  const auto key = protocol::ticket_key_from_seed(*options_.dev_key_seed);
  protocol::JoinTicket ticket;
  ticket.account_id = tokens_ && tokens_->account_id > 0
                          ? static_cast<uint64_t>(tokens_->account_id)
                          : static_cast<uint64_t>(character->id);
  ticket.character_id = static_cast<uint64_t>(character->id);
  ticket.zone = zone;
  ticket.instance_id = instance;
  ticket.lease_epoch = 1;
  ticket.expires_at_unix = unix_now() + kDevTicketSeconds;
  protocol::randomize_nonce(ticket);
  return protocol::sign_ticket(ticket, key);
}

void App::enter_world() {
  error_.clear();
  if (!selected()) {
    error_ = "Choose a character first";
    return;
  }
  if (!dev_character_ && tokens_) {
    submit(Call::play, {"POST", "/v1/play", play_body(selected_character_), ""});
    info_ = "asking for a place in the world…";
    return;
  }
  if (options_.dev_zone_url.empty()) {
    error_ = "Cannot enter the world: no API session and no --dev-zone";
    return;
  }
  std::string mint_error;
  if (auto ticket = mint_dev_ticket(options_.dev_zone_name, options_.dev_instance, mint_error))
    start_session({options_.dev_zone_url, options_.dev_zone_name, options_.dev_instance}, *ticket);
  else
    error_ = mint_error;
}

void App::start_session(const ZoneTarget& target, const std::string& ticket) {
  info_.clear();
  ZoneSessionSettings settings;
  settings.content_root = options_.content_root;
  settings.player_speed = options_.player_speed;
  for (const ItemInfo& item : content_.items()) settings.item_names.push_back(item.name);
  std::unique_ptr<Transport> transport = std::make_unique<WebSocketTransport>(options_.ca_file);
  if (options_.simulate_latency_ms > 0 || options_.simulate_jitter_ms > 0)
    transport = std::make_unique<DelayedTransport>(
        std::move(transport), LatencyProfile{options_.simulate_latency_ms / 1000.0,
                                             options_.simulate_jitter_ms / 1000.0, 1});
  session_ = std::make_unique<ZoneSession>(std::move(transport), settings);
  session_->connect(target, ticket, now_);
  target_ = 0;
  const CharacterSummary* character = selected();
  level_progress_ = {
      character ? static_cast<uint32_t>(std::max(1, character->level)) : 1u,
      character ? static_cast<uint64_t>(std::max<int64_t>(0, character->experience)) : 0u};
  experience_counted_ = 0;
  transfers_seen_ = 0;
  screen_ = Screen::world;
}

void App::provide_reconnect_ticket() {
  if (!session_ || ticket_request_in_flight_) return;
  const auto wanted = session_->wants_ticket();
  if (!wanted) return;
  if (using_api_tickets_ && tokens_) {
    ticket_request_in_flight_ = true;
    const std::optional<TournamentStatus>& status = tournaments_.status();
    const bool tournament = status && !status->tournament.empty();
    if (reconnect_through_tournament(session_->in_arena(), session_->last_kick(), tournament))
      call_api({"GET",
                "/v1/tournaments/" + status->tournament +
                    "/queue?character_id=" + std::to_string(selected_character_),
                "", ""},
               [this](const ApiAnswer& answer) { take_reconnect_status(answer); });
    else
      submit(Call::play, {"POST", "/v1/play", play_body(selected_character_), ""}, true);
    return;
  }
  std::string mint_error;
  const uint32_t instance = wanted->instance ? wanted->instance : options_.dev_instance;
  if (auto ticket = mint_dev_ticket(wanted->zone.empty() ? options_.dev_zone_name : wanted->zone,
                                    instance, mint_error))
    session_->provide_ticket(*ticket, now_);
  else
    session_->ticket_unavailable(mint_error, now_);
}

void App::take_reconnect_status(const ApiAnswer& answer) {
  tournaments_.take_status(answer);
  ticket_request_in_flight_ = false;
  if (!answer.ok()) {
    if (session_) session_->ticket_unavailable(answer.failure, now_);  // retried after the backoff
    return;
  }
  const std::optional<TournamentStatus>& status = tournaments_.status();
  if (session_ && status && status->arena) {
    const PlayGrant& arena = *status->arena;
    session_->provide_ticket({arena.ws_url, arena.zone, arena.instance}, arena.ticket, now_);
  } else {
    ticket_request_in_flight_ = true;
    submit(Call::play, {"POST", "/v1/play", play_body(selected_character_), ""}, true);
  }
}

void App::track_travel(double now) {
  const SessionState state = session_->state();
  // The Transfer and the close it causes can be handled in one update(): count transfers
  // rather than hope to see the transferring state.
  if (state == SessionState::transferring || session_->transfers() != transfers_seen_) {
    transfers_seen_ = session_->transfers();
    travel_zone_ = session_->travel_destination();
    travel_screen_until_ = now + kMinTravelScreenSeconds;
    return;
  }
  if (travel_zone_.empty() || state != SessionState::in_world || now < travel_screen_until_) return;
  if (session_->zone_name() == travel_zone_)
    std::fprintf(stderr, "omega-client: arrived in %s (instance %u)\n", travel_zone_.c_str(),
                 session_->instance_id());
  travel_zone_.clear();
}

void App::join_arena(const PlayGrant& arena) {
  const ZoneTarget target{arena.ws_url, arena.zone, arena.instance};
  std::fprintf(stderr, "omega-client: entering the arena %s (instance %u)\n", arena.zone.c_str(),
               arena.instance);
  using_api_tickets_ = true;  // after the match: back through POST /v1/play
  if (!session_) return start_session(target, arena.ticket);
  target_ = 0;
  session_->join(target, arena.ticket, now_);
}

void App::leave_world() {
  travel_zone_.clear();
  if (session_) session_->leave();
  session_.reset();
  screen_ = tokens_ || dev_character_ ? Screen::characters : Screen::login;
  if (tokens_) refresh_characters();
}

// ---- frame -----------------------------------------------------------------------------------

void App::frame(double now) {
  now_ = now;
  poll_http();
  if (session_) {
    InputIntent intent = scripted_intent_ ? *scripted_intent_ : keyboard_intent();
    session_->set_intent(intent);
    session_->update(now);
    // The arena ended: the queue status is history (the next queue starts afresh).
    if (session_->last_kick() == protocol::KickReason::match_over && tournaments_.end_match(now))
      target_ = 0;
    tournaments_.ask_match_result();
    provide_reconnect_ticket();
    track_travel(now);
  }
  switch (screen_) {
    case Screen::login:
      draw_login();
      break;
    case Screen::characters:
      draw_characters();
      break;
    case Screen::world:
      draw_world(now);
      break;
  }
  // Each draws nothing while closed.
  leaderboard_.draw();
  party_.draw();
  friends_.draw();
  inventory_.draw();
  tournaments_.draw_match_result();
  market_.draw();
  tournaments_.draw();
}

void App::draw_loading(const std::string& title, const std::string& detail) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  ImDrawList* background = ImGui::GetBackgroundDrawList();
  background->AddRectFilledMultiColor({0, 0}, size, IM_COL32(10, 12, 30, 255),
                                      IM_COL32(30, 20, 50, 255), IM_COL32(10, 30, 40, 255),
                                      IM_COL32(5, 5, 15, 255));
  ImGui::SetNextWindowPos({size.x * 0.5f, size.y * 0.5f}, ImGuiCond_Always, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({420, 0});
  ImGui::Begin("Loading", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted(title.c_str());
  ImGui::Separator();
  ImGui::TextWrapped("%s", detail.c_str());
  const float phase = static_cast<float>(now_ - static_cast<int64_t>(now_));
  ImGui::ProgressBar(phase, {-1, 6}, "");
  if (ImGui::Button("Back to character select")) leave_world();
  ImGui::End();
}

void App::draw_login() {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  ImGui::GetBackgroundDrawList()->AddRectFilledMultiColor(
      {0, 0}, size, IM_COL32(20, 40, 80, 255), IM_COL32(40, 20, 70, 255), IM_COL32(10, 10, 30, 255),
      IM_COL32(10, 30, 50, 255));
  ImGui::GetBackgroundDrawList()->AddText(nullptr, 48.0f, {size.x * 0.5f - 170, size.y * 0.18f},
                                          IM_COL32(240, 210, 120, 255), "OMEGA REALM");
  ImGui::SetNextWindowPos({size.x * 0.5f, size.y * 0.55f}, ImGuiCond_Always, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({380, 0});
  ImGui::Begin("Sign in", nullptr,
               ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextDisabled("API: %s", options_.api_url.c_str());
  ImGui::InputText("Username", login_user_, sizeof login_user_);
  const bool enter =
      ImGui::InputText("Password", login_password_, sizeof login_password_,
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::BeginDisabled(busy());
  if (ImGui::Button("Log in") || enter) login(login_user_, login_password_, false);
  ImGui::SameLine();
  if (ImGui::Button("Register")) {
    error_.clear();
    username_ = login_user_;
    password_ = login_password_;
    info_ = "creating account…";
    submit(Call::register_account,
           {"POST", "/v1/auth/register", credentials_body(login_user_, login_password_), ""});
  }
  ImGui::EndDisabled();
  if (!options_.dev_zone_url.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("Dev zone: %s", options_.dev_zone_url.c_str());
    if (ImGui::Button("Play offline dev character"))
      select_dev_character(1, login_user_[0] ? login_user_ : "Dev");
  }
  if (!info_.empty()) ImGui::TextColored({0.7f, 0.8f, 1.0f, 1.0f}, "%s", info_.c_str());
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  if (ImGui::Button("Quit")) quit_ = true;
  ImGui::End();
}

void App::draw_characters() {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  ImGui::GetBackgroundDrawList()->AddRectFilledMultiColor(
      {0, 0}, size, IM_COL32(30, 50, 30, 255), IM_COL32(20, 40, 60, 255), IM_COL32(10, 20, 20, 255),
      IM_COL32(40, 40, 20, 255));
  ImGui::SetNextWindowPos({size.x * 0.5f, size.y * 0.5f}, ImGuiCond_Always, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({560, 440});
  ImGui::Begin("Characters", nullptr,
               ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("Account: %s", dev_character_ ? "(dev, no API)" : username_.c_str());
  ImGui::Separator();
  ImGui::BeginChild("list", {0, 200}, true);
  if (dev_character_) {
    ImGui::Selectable(
        (dev_summary_.name + "  (dev character " + std::to_string(dev_summary_.id) + ")").c_str(),
        true);
  } else if (!characters_loaded_) {
    ImGui::TextDisabled("loading…");
  } else if (characters_.empty()) {
    ImGui::TextDisabled("No characters yet: create one below.");
  }
  if (!dev_character_) {
    for (const auto& c : characters_) {
      const std::string label = c.name + "  —  level " + std::to_string(c.level) + " " +
                                c.class_id + "  (" + c.zone + ")##" + std::to_string(c.id);
      if (ImGui::Selectable(label.c_str(), c.id == selected_character_)) select_character(c.id);
      if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) enter_world();
    }
  }
  ImGui::EndChild();
  ImGui::BeginDisabled(busy() || !selected());
  if (ImGui::Button("Play", {120, 0})) enter_world();
  ImGui::SameLine();
  if (!dev_character_ && ImGui::Button("Delete") && selected())
    delete_character(selected_character_);
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Leaderboards")) leaderboard_.open();
  ImGui::SameLine();
  if (!dev_character_ && ImGui::Button("Party")) party_.toggle();
  ImGui::SameLine();
  if (!dev_character_ && ImGui::Button("Market")) market_.toggle();
  ImGui::SameLine();
  if (!dev_character_ && ImGui::Button("Tournaments")) tournaments_.toggle();
  ImGui::SameLine();
  if (ImGui::Button("Log out")) {
    tokens_.reset();
    characters_.clear();
    characters_loaded_ = false;
    dev_character_ = false;
    screen_ = Screen::login;
  }
  if (!dev_character_) {
    ImGui::Separator();
    ImGui::TextUnformatted("New character");
    ImGui::InputText("Name", new_name_, sizeof new_name_);
    const auto& classes = content_.classes();
    if (!classes.empty()) {
      new_class_index_ = std::clamp(new_class_index_, 0, static_cast<int>(classes.size()) - 1);
      if (ImGui::BeginCombo("Class", classes[new_class_index_].name.c_str())) {
        for (int i = 0; i < static_cast<int>(classes.size()); ++i)
          if (ImGui::Selectable(classes[i].name.c_str(), i == new_class_index_))
            new_class_index_ = i;
        ImGui::EndCombo();
      }
      ImGui::TextWrapped("%s", classes[new_class_index_].description.c_str());
    }
    ImGui::BeginDisabled(busy() || new_name_[0] == '\0' || classes.empty());
    if (ImGui::Button("Create")) create_character(new_name_, classes[new_class_index_].id);
    ImGui::EndDisabled();
  }
  if (!info_.empty()) ImGui::TextColored({0.7f, 0.8f, 1.0f, 1.0f}, "%s", info_.c_str());
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  ImGui::End();
}

bool App::open_window(const std::string& name) {
  if (name == "leaderboard")
    leaderboard_.open();
  else if (name == "party")
    party_.open();
  else if (name == "friends")
    friends_.open();
  else if (name == "market")
    market_.open();
  else if (name == "tournaments")
    tournaments_.open();
  else if (name == "network")
    show_network_ = true;
  else if (name == "inventory")
    inventory_.open();
  else
    return false;
  return true;
}

}  // namespace omega::client
