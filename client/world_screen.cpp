// The world screen: the tile map, entities with names and health bars, floating combat text,
// and the HUD (player and target frames, hotbar with cooldowns, combat log, minimap and zone
// name, network panel). Everything is drawn through ImGui (background draw list for the world),
// so one renderer backend draws it all.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "client/app.hpp"
#include "client/arena_flow.hpp"
#include "protocol/quantize.hpp"

namespace omega::client {

namespace {

constexpr float kTilePixels = 32.0f;  // the wire's 1/32-tile units are exactly one pixel

ImU32 floor_color(game::ZoneKind kind) {
  switch (kind) {
    case game::ZoneKind::kHub:
      return IM_COL32(92, 96, 88, 255);
    case game::ZoneKind::kZone:
      return IM_COL32(52, 104, 48, 255);
    case game::ZoneKind::kDungeon:
      return IM_COL32(70, 58, 58, 255);
    case game::ZoneKind::kArena:
      return IM_COL32(150, 130, 90, 255);
  }
  return IM_COL32(80, 80, 80, 255);
}

ImU32 tile_color(const game::TileMap& map, int32_t tx, int32_t ty) {
  if (map.portal_at_tile(tx, ty)) return IM_COL32(150, 70, 200, 255);
  switch (map.tile(tx, ty)) {
    case game::TileKind::kWall:
      return IM_COL32(40, 38, 48, 255);
    case game::TileKind::kWater:
      return IM_COL32(40, 80, 170, 255);
    case game::TileKind::kFloor:
      break;
  }
  // A faint checker so that movement over open floor is visible.
  const ImU32 base = floor_color(map.kind());
  if ((tx + ty) & 1) return base;
  auto darker = [&](int shift) {
    return static_cast<ImU32>(((base >> shift) & 0xff) * 7 / 8) << shift;
  };
  return (base & 0xff000000u) | darker(0) | darker(8) | darker(16);
}

ImU32 entity_color(const protocol::EntityState& e, bool own) {
  if (e.move_state == protocol::MoveState::dead) return IM_COL32(90, 90, 90, 255);
  if (own) return IM_COL32(250, 200, 60, 255);
  switch (e.kind) {
    case protocol::EntityKind::player:
      return IM_COL32(80, 150, 255, 255);
    case protocol::EntityKind::monster:
      return IM_COL32(220, 60, 50, 255);
    case protocol::EntityKind::npc:
      return IM_COL32(90, 220, 120, 255);
    case protocol::EntityKind::projectile:
      return IM_COL32(255, 255, 255, 255);
    case protocol::EntityKind::loot:
      return IM_COL32(255, 230, 90, 255);
  }
  return IM_COL32(200, 200, 200, 255);
}

void stat_bar(const char* label, uint32_t value, uint32_t maximum, ImVec4 color) {
  const float fraction = maximum ? std::clamp(float(value) / float(maximum), 0.0f, 1.0f) : 0.0f;
  char text[64];
  std::snprintf(text, sizeof text, "%s %u / %u", label, value, maximum);
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram, color);
  ImGui::ProgressBar(fraction, {-1, 16}, text);
  ImGui::PopStyleColor();
}

}  // namespace

InputIntent App::keyboard_intent() const {
  InputIntent intent;
  if (ImGui::GetIO().WantCaptureKeyboard) return {false, 0.0f, facing_};
  const Uint8* keys = SDL_GetKeyboardState(nullptr);
  float dx = 0, dy = 0;
  if (keys[SDL_SCANCODE_W] || keys[SDL_SCANCODE_UP]) dy -= 1;
  if (keys[SDL_SCANCODE_S] || keys[SDL_SCANCODE_DOWN]) dy += 1;
  if (keys[SDL_SCANCODE_A] || keys[SDL_SCANCODE_LEFT]) dx -= 1;
  if (keys[SDL_SCANCODE_D] || keys[SDL_SCANCODE_RIGHT]) dx += 1;
  intent.moving = dx != 0 || dy != 0;
  if (intent.moving) {
    intent.direction = std::atan2(dy, dx);
    facing_ = intent.direction;
  }
  intent.facing = facing_;
  return intent;
}

std::string App::class_of_selected() const {
  const CharacterSummary* character = selected();
  return character ? character->class_id : "";
}

int App::hotbar_size() const {
  const ClassInfo* info = content_.find_class(class_of_selected());
  return 1 + (info ? static_cast<int>(info->abilities.size()) : 0);
}

std::string App::ability_name(int slot) const {
  if (slot == 1) return "Attack";
  const ClassInfo* info = content_.find_class(class_of_selected());
  if (!info || slot - 2 >= static_cast<int>(info->abilities.size())) return "?";
  const AbilityInfo* ability = content_.find_ability(info->abilities[slot - 2]);
  return ability ? ability->name : info->abilities[slot - 2];
}

double App::ability_cooldown(int slot) const {
  if (slot == 1) return kBasicAttackCooldownSeconds;
  const ClassInfo* info = content_.find_class(class_of_selected());
  if (!info || slot - 2 >= static_cast<int>(info->abilities.size())) return 1.0;
  const AbilityInfo* ability = content_.find_ability(info->abilities[slot - 2]);
  return ability ? ability->cooldown_seconds : 1.0;
}

void App::use_hotbar(int slot, double now) {
  if (!session_ || slot < 1 || slot > hotbar_size()) return;
  session_->use_action(static_cast<uint8_t>(slot), target_, ability_cooldown(slot), now);
}

void App::target_nearest() {
  if (!session_) return;
  const uint32_t own = session_->own_entity();
  const game::Vec2 me = session_->draw_position(own, now_);
  std::vector<TargetCandidate> candidates;
  for (const auto& entry : session_->world().entities().entries()) {
    const auto& e = entry.state;
    if (e.id == own) continue;
    const game::Vec2 p = session_->draw_position(e.id, now_);
    candidates.push_back({e.id, e.kind, e.move_state == protocol::MoveState::dead,
                          std::hypot(p.x - me.x, p.y - me.y)});
  }
  // Monsters first in the world; in an arena the enemy players (PvP runs only there).
  target_ = choose_target(candidates, session_->in_arena());
}

void App::handle_event(const SDL_Event& event) {
  if (event.type == SDL_QUIT) quit_ = true;
  if (screen_ != Screen::world || !session_) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (event.type == SDL_KEYDOWN && !io.WantCaptureKeyboard && !event.key.repeat) {
    const SDL_Keycode key = event.key.keysym.sym;
    if (key >= SDLK_1 && key <= SDLK_9)
      use_hotbar(static_cast<int>(key - SDLK_0), now_);
    else if (key == SDLK_SPACE)
      use_hotbar(1, now_);
    else if (key == SDLK_TAB)
      target_nearest();
    else if (key == SDLK_l)
      leaderboard_.toggle();
    else if (key == SDLK_p)
      party_.toggle();
    else if (key == SDLK_f)
      friends_.toggle();
    else if (key == SDLK_m)
      market_.toggle();
    else if (key == SDLK_i)
      inventory_.toggle();
    else if (key == SDLK_q)
      use_potion(false);
    else if (key == SDLK_e)
      use_potion(true);
    else if (key == SDLK_t)
      tournaments_.toggle();
    else if (key == SDLK_n)
      show_network_ = !show_network_;
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER)
      chat_.focus();
    else if (key == SDLK_ESCAPE)
      leave_world();
  }
  if (event.type == SDL_MOUSEBUTTONDOWN && event.button.button == SDL_BUTTON_LEFT &&
      !io.WantCaptureMouse && session_->state() == SessionState::in_world) {
    const game::Vec2 me = session_->draw_position(session_->own_entity(), now_);
    const float wx = me.x + (event.button.x - io.DisplaySize.x * 0.5f) / kTilePixels;
    const float wy = me.y + (event.button.y - io.DisplaySize.y * 0.5f) / kTilePixels;
    facing_ = std::atan2(wy - me.y, wx - me.x);
    target_ = 0;
    float best = 0.8f;  // tiles: a generous click radius around the entity's centre
    for (const auto& entry : session_->world().entities().entries()) {
      if (entry.state.id == session_->own_entity()) continue;
      const game::Vec2 p = session_->draw_position(entry.state.id, now_);
      const float d = std::hypot(p.x - wx, p.y - wy);
      if (d < best) {
        best = d;
        target_ = entry.state.id;
      }
    }
  }
}

void App::build_minimap() {
  const game::TileMap* map = session_ ? session_->map() : nullptr;
  if (!map || minimap_zone_ == session_->zone_name()) return;
  if (minimap_) SDL_DestroyTexture(minimap_);
  minimap_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC,
                               map->width(), map->height());
  minimap_zone_ = session_->zone_name();
  if (!minimap_) return;
  std::vector<uint32_t> pixels(static_cast<size_t>(map->width()) *
                               static_cast<size_t>(map->height()));
  for (int32_t y = 0; y < map->height(); ++y)
    for (int32_t x = 0; x < map->width(); ++x) {
      ImU32 c = tile_color(*map, x, y);
      if (map->tile(x, y) == game::TileKind::kFloor && !map->portal_at_tile(x, y))
        c = floor_color(map->kind());
      pixels[static_cast<size_t>(y) * map->width() + x] = c;  // ImU32 is bytes R, G, B, A: RGBA32
    }
  SDL_UpdateTexture(minimap_, nullptr, pixels.data(), map->width() * 4);
}

void App::draw_world(double now) {
  if (!session_) {
    screen_ = Screen::characters;
    return;
  }
  const SessionState state = session_->state();
  const protocol::EntityState* own = session_->own_state();
  if (state != SessionState::in_world || !own || travelling()) {
    std::string title;
    switch (state) {
      case SessionState::failed:
        title = "Disconnected";
        break;
      case SessionState::reconnecting:
        // A match that ended says so; anything else is a lost connection.
        if (const auto kick = session_->last_kick(); kick && !kick_outcome_text(*kick).empty())
          title = kick_outcome_text(*kick) + " — returning to the world…";
        else
          title = "Connection lost — reconnecting…";
        break;
      default:
        if (travelling() && is_arena(travel_zone_, ""))
          title = "Entering the arena " + travel_zone_ + "…";
        else if (travelling())
          title = "Travelling to " + travel_zone_ + "…";
        else
          title = "Entering the world…";
        break;
    }
    std::string detail = session_->status_text();
    if (!error_.empty()) detail += "\n" + error_;
    draw_loading(title, detail);
    return;
  }
  build_minimap();
  const ImGuiIO& io = ImGui::GetIO();
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  const game::Vec2 camera = session_->draw_position(own->id, now);
  const ImVec2 center{io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f};
  auto to_screen = [&](game::Vec2 p) {
    return ImVec2{center.x + (p.x - camera.x) * kTilePixels,
                  center.y + (p.y - camera.y) * kTilePixels};
  };
  draw->AddRectFilled({0, 0}, io.DisplaySize, IM_COL32(12, 12, 16, 255));

  // Tiles in view.
  if (const game::TileMap* map = session_->map()) {
    const int32_t x0 = static_cast<int32_t>(std::floor(camera.x - center.x / kTilePixels)) - 1;
    const int32_t y0 = static_cast<int32_t>(std::floor(camera.y - center.y / kTilePixels)) - 1;
    const int32_t x1 = static_cast<int32_t>(std::ceil(camera.x + center.x / kTilePixels)) + 1;
    const int32_t y1 = static_cast<int32_t>(std::ceil(camera.y + center.y / kTilePixels)) + 1;
    for (int32_t ty = std::max(0, y0); ty < std::min(map->height(), y1); ++ty)
      for (int32_t tx = std::max(0, x0); tx < std::min(map->width(), x1); ++tx) {
        const ImVec2 a = to_screen({float(tx), float(ty)});
        draw->AddRectFilled(a, {a.x + kTilePixels, a.y + kTilePixels}, tile_color(*map, tx, ty));
      }
  }

  // Entities: others first, ourselves on top.
  auto draw_entity = [&](const protocol::EntityState& e) {
    const bool is_own = e.id == own->id;
    const ImVec2 p = to_screen(session_->draw_position(e.id, now));
    const float radius = 0.35f * kTilePixels;
    if (e.id == target_) draw->AddCircle(p, radius + 5, IM_COL32(255, 240, 120, 255), 24, 2.5f);
    draw->AddCircleFilled(p, radius, entity_color(e, is_own), 20);
    draw->AddCircle(p, radius, IM_COL32(0, 0, 0, 200), 20, 1.5f);
    const float facing =
        protocol::dequantize_angle(is_own ? protocol::quantize_angle(facing_) : e.facing);
    draw->AddLine(p,
                  {p.x + std::cos(facing) * radius * 1.4f, p.y + std::sin(facing) * radius * 1.4f},
                  IM_COL32(255, 255, 255, 220), 2.0f);
    const float bar_w = 40.0f;
    const float hp = e.max_hp ? std::clamp(float(e.hp) / float(e.max_hp), 0.0f, 1.0f) : 0.0f;
    const ImVec2 bar{p.x - bar_w / 2, p.y - radius - 9};
    draw->AddRectFilled(bar, {bar.x + bar_w, bar.y + 5}, IM_COL32(40, 0, 0, 220));
    draw->AddRectFilled(bar, {bar.x + bar_w * hp, bar.y + 5},
                        e.kind == protocol::EntityKind::monster ? IM_COL32(230, 60, 40, 255)
                                                                : IM_COL32(60, 220, 80, 255));
    const std::string name =
        e.name.length ? std::string(e.name.view()) : "#" + std::to_string(e.id);
    const ImVec2 text_size = ImGui::CalcTextSize(name.c_str());
    draw->AddText({p.x - text_size.x / 2 + 1, bar.y - text_size.y - 1}, IM_COL32(0, 0, 0, 200),
                  name.c_str());
    draw->AddText({p.x - text_size.x / 2, bar.y - text_size.y - 2},
                  is_own ? IM_COL32(255, 220, 120, 255) : IM_COL32(255, 255, 255, 255),
                  name.c_str());
  };
  for (const auto& entry : session_->world().entities().entries())
    if (entry.state.id != own->id) draw_entity(entry.state);
  draw_entity(*own);
  draw_combat_effects(draw, now, to_screen);

  // Floating combat text.
  for (const FloatingText& f : session_->floating_texts()) {
    const float age = static_cast<float>(now - f.born);
    const float alpha =
        std::clamp(1.0f - age / static_cast<float>(kFloatingTextSeconds), 0.0f, 1.0f);
    game::Vec2 anchor =
        session_->world().find(f.entity) ? session_->draw_position(f.entity, now) : f.anchor;
    ImVec2 p = to_screen(anchor);
    p.y -= 28.0f + age * 36.0f + static_cast<float>(f.lane) * 20.0f;
    ImU32 color = IM_COL32(255, 255, 255, 255);
    switch (f.type) {
      case protocol::GameEventType::damage:
        color = f.about_me ? IM_COL32(255, 70, 60, 255) : IM_COL32(255, 230, 90, 255);
        break;
      case protocol::GameEventType::heal:
        color = IM_COL32(90, 255, 120, 255);
        break;
      case protocol::GameEventType::experience:
        color = IM_COL32(200, 130, 255, 255);
        break;
      case protocol::GameEventType::level_up:
        color = IM_COL32(255, 210, 60, 255);
        break;
      default:
        break;
    }
    color = (color & 0x00ffffffu) | (static_cast<ImU32>(alpha * 255.0f) << 24);
    const float size = f.critical ? 26.0f : 18.0f;
    // Centred over the entity: a long one ("Wolf Pelt x2") would otherwise lean right.
    const float width = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.0f, f.text.c_str()).x;
    draw->AddText(nullptr, size, {p.x - width / 2.0f, p.y}, color, f.text.c_str());
  }
  draw_world_hud(now);
  draw_death_screen(now);
}

// Hits and heals for a moment (a streak from the attacker, a burst on the target; an ability is
// orange, a basic attack pale, a heal green), and a ring per status effect on every entity
// that has one (haste white, slow blue, stun yellow, regen green).
void App::draw_combat_effects(ImDrawList* draw, double now,
                              const std::function<ImVec2(game::Vec2)>& to_screen) {
  for (const CombatEffect& effect : session_->combat_effects()) {
    if (!session_->world().find(effect.target)) continue;
    const float age = static_cast<float>((now - effect.born) / kCombatEffectSeconds);
    const auto alpha = static_cast<ImU32>(std::clamp(1.0f - age, 0.0f, 1.0f) * 220.0f);
    const ImVec2 at = to_screen(session_->draw_position(effect.target, now));
    if (effect.type == protocol::GameEventType::heal) {
      draw->AddCircle(at, (0.4f + 0.5f * age) * kTilePixels, IM_COL32(90, 255, 120, alpha), 24,
                      3.0f);
      continue;
    }
    const bool basic = effect.ability == 0xffff;
    const ImU32 color = basic ? IM_COL32(255, 250, 220, alpha) : IM_COL32(255, 150, 40, alpha);
    if (effect.source != 0 && effect.source != effect.target &&
        session_->world().find(effect.source)) {
      const ImVec2 from = to_screen(session_->draw_position(effect.source, now));
      draw->AddLine(from, at, color, basic ? 2.0f : 4.0f);
    }
    draw->AddCircleFilled(at, (0.15f + 0.25f * age) * kTilePixels * (effect.critical ? 1.5f : 1.0f),
                          color, 16);
  }
  static constexpr ImU32 kStatusColors[] = {
      IM_COL32(240, 240, 255, 200), IM_COL32(80, 150, 255, 220), IM_COL32(255, 230, 60, 230),
      IM_COL32(90, 255, 120, 200)};
  for (const auto& entry : session_->world().entities().entries()) {
    if (entry.state.status_effects == 0 || entry.state.hp == 0) continue;
    const ImVec2 at = to_screen(session_->draw_position(entry.state.id, now));
    float radius = 0.35f * kTilePixels + 3.0f;
    for (int bit = 0; bit < 4; ++bit)
      if (entry.state.status_effects & (1u << bit)) {
        draw->AddCircle(at, radius, kStatusColors[bit], 20, 2.0f);
        radius += 3.0f;
      }
  }
}

// While our entity is dead: who killed us and when we stand up again (at the zone's spawn), or,
// in an arena (no respawn), that the match goes on without us.
void App::draw_death_screen(double now) {
  const protocol::EntityState* own = session_->own_state();
  if (own == nullptr || own->hp > 0) return;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::GetBackgroundDrawList()->AddRectFilled({0, 0}, io.DisplaySize, IM_COL32(40, 0, 0, 110));
  ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.38f}, ImGuiCond_Always,
                          {0.5f, 0.5f});
  ImGui::SetNextWindowBgAlpha(0.8f);
  ImGui::Begin("##death", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::SetWindowFontScale(1.6f);
  ImGui::TextColored({1.0f, 0.35f, 0.3f, 1.0f}, "You died");
  ImGui::SetWindowFontScale(1.0f);
  const std::optional<Death>& death = session_->last_death();
  if (death && !death->killer.empty()) ImGui::Text("Killed by %s", death->killer.c_str());
  if (session_->in_arena()) {
    ImGui::TextUnformatted("Out of the fight until the match ends.");
  } else {
    const double since = death ? now - death->time : 0.0;
    const double left = std::max(0.0, content_.player_respawn_seconds() - since);
    if (left > 0.05)
      ImGui::Text("You stand up at the zone's spawn in %.0f s.", std::ceil(left));
    else
      ImGui::TextUnformatted("Standing up...");
  }
  ImGui::End();
}

void App::draw_world_hud(double now) {
  const ImGuiIO& io = ImGui::GetIO();
  const protocol::EntityState* own = session_->own_state();
  const ImGuiWindowFlags hud = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                               ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                               ImGuiWindowFlags_AlwaysAutoResize;
  // Player frame.
  ImGui::SetNextWindowPos({10, 10});
  ImGui::SetNextWindowSize({270, 0});
  ImGui::SetNextWindowBgAlpha(0.75f);
  ImGui::Begin("##player", nullptr, hud & ~ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("%s  (level %u)", own->name.length ? std::string(own->name.view()).c_str() : "You",
              own->level);
  stat_bar("HP", own->hp, own->max_hp, {0.8f, 0.15f, 0.15f, 1.0f});
  stat_bar("MP", own->mana, own->max_mana, {0.2f, 0.35f, 0.9f, 1.0f});
  // The zone replicates the level, not the XP: level_progress.hpp.
  const uint64_t gained = session_->experience_gained();
  level_progress_.add(gained - experience_counted_, progression_);
  experience_counted_ = gained;
  if (own->level != level_progress_.level)
    level_progress_ = {own->level, 0};  // the zone knows best
  const uint64_t needed = level_progress_.needed(progression_);
  if (needed > 0)
    stat_bar("XP", static_cast<uint32_t>(level_progress_.experience), static_cast<uint32_t>(needed),
             {0.6f, 0.3f, 0.85f, 1.0f});
  else
    stat_bar("XP", 1, 1, {0.6f, 0.3f, 0.85f, 1.0f});  // maximum level (or no curve): full
  ImGui::End();

  // Target frame.
  if (const protocol::EntityState* target = target_ ? session_->world().find(target_) : nullptr) {
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, 10}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowSize({260, 0});
    ImGui::SetNextWindowBgAlpha(0.75f);
    ImGui::Begin("##target", nullptr, hud & ~ImGuiWindowFlags_AlwaysAutoResize);
    const char* kind = target->kind == protocol::EntityKind::monster  ? "monster"
                       : target->kind == protocol::EntityKind::player ? "player"
                                                                      : "npc";
    ImGui::Text("Target: %s  (level %u %s)",
                target->name.length ? std::string(target->name.view()).c_str() : "?", target->level,
                kind);
    stat_bar("HP", target->hp, target->max_hp, {0.8f, 0.15f, 0.15f, 1.0f});
    ImGui::End();
  } else {
    target_ = 0;
  }

  // Hotbar.
  const int slots = hotbar_size();
  ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y - 10}, ImGuiCond_Always,
                          {0.5f, 1.0f});
  ImGui::SetNextWindowBgAlpha(0.75f);
  ImGui::Begin("##hotbar", nullptr, hud);
  for (int slot = 1; slot <= slots; ++slot) {
    if (slot > 1) ImGui::SameLine();
    const std::string label = std::to_string(slot) + "\n" + ability_name(slot);
    ImGui::PushID(slot);
    if (ImGui::Button(label.c_str(), {84, 52})) use_hotbar(slot, now);
    const double remaining = session_->cooldown_remaining(static_cast<uint8_t>(slot), now);
    const double duration = session_->cooldown_duration(static_cast<uint8_t>(slot));
    if (remaining > 0.0 && duration > 0.0) {
      const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      const float fraction = static_cast<float>(remaining / duration);
      ImDrawList* list = ImGui::GetWindowDrawList();
      list->AddRectFilled({a.x, b.y - (b.y - a.y) * fraction}, b, IM_COL32(0, 0, 0, 160));
      char text[16];
      std::snprintf(text, sizeof text, "%.1f", remaining);
      list->AddText({a.x + 4, a.y + 2}, IM_COL32(255, 255, 255, 255), text);
    }
    ImGui::PopID();
  }
  // Potions: the first of each kind in the bag, with how many are carried in all.
  for (const bool mana : {false, true}) {
    const auto& bag = session_->inventory();
    const uint32_t count = bag ? content_.potions(bag->stacks, mana).count : 0;
    ImGui::SameLine();
    const std::string label = std::string(mana ? "E" : "Q") + "  x" + std::to_string(count) +
                              (mana ? "\nMana potion" : "\nHealth potion");
    ImGui::BeginDisabled(count == 0);
    if (ImGui::Button(label.c_str(), {96, 52})) use_potion(mana);
    ImGui::EndDisabled();
  }
  ImGui::End();

  // Combat log.
  begin_bottom_panel("Combat log", 0);
  ImGui::Checkbox("Fights", &log_shown_[0]);
  ImGui::SameLine();
  ImGui::Checkbox("Rewards", &log_shown_[1]);
  ImGui::SameLine();
  ImGui::Checkbox("Other", &log_shown_[2]);
  ImGui::BeginChild("##log_lines");
  for (const CombatLogLine& line : session_->combat_log())
    if (log_shown_[static_cast<int>(log_category(line.type))])
      ImGui::TextWrapped("%s", line.text.c_str());
  if (session_->combat_log().empty()) ImGui::TextDisabled("Nothing has happened yet.");
  ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
  ImGui::End();

  chat_.draw();

  // Minimap and zone name.
  if (const game::TileMap* map = session_->map()) {
    const float side = 180.0f;
    ImGui::SetNextWindowPos({io.DisplaySize.x - 10, 10}, ImGuiCond_Always, {1.0f, 0.0f});
    ImGui::SetNextWindowBgAlpha(0.75f);
    ImGui::Begin("##minimap", nullptr, hud);
    ImGui::Text("%s  #%u", session_->zone_name().c_str(), session_->instance_id());
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (minimap_)
      ImGui::Image(static_cast<ImTextureID>(minimap_), {side, side});
    else
      ImGui::Dummy({side, side});
    ImDrawList* list = ImGui::GetWindowDrawList();
    const float sx = side / float(map->width()), sy = side / float(map->height());
    for (const auto& entry : session_->world().entities().entries()) {
      const game::Vec2 p = session_->draw_position(entry.state.id, now);
      const bool is_own = entry.state.id == own->id;
      list->AddCircleFilled({origin.x + p.x * sx, origin.y + p.y * sy}, is_own ? 3.5f : 2.0f,
                            entity_color(entry.state, is_own));
    }
    ImGui::End();
  } else if (!session_->map_error().empty()) {
    ImGui::SetNextWindowPos({io.DisplaySize.x - 10, 10}, ImGuiCond_Always, {1.0f, 0.0f});
    ImGui::Begin("##minimap", nullptr, hud);
    ImGui::Text("%s: no map (%s)", session_->zone_name().c_str(), session_->map_error().c_str());
    ImGui::End();
  }

  // Network panel.
  if (show_network_) {
    const NetStats& stats = session_->stats();
    ImGui::SetNextWindowPos({io.DisplaySize.x - 10, io.DisplaySize.y - 10}, ImGuiCond_Always,
                            {1.0f, 1.0f});
    ImGui::SetNextWindowBgAlpha(0.6f);
    ImGui::Begin("Network", nullptr,
                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoFocusOnAppearing);
    ImGui::Text("RTT        %6.1f ms (avg %.1f)", stats.rtt_ms(), stats.rtt_smoothed_ms());
    ImGui::Text("Down       %6.2f KB/s", stats.kilobytes_in_per_second());
    ImGui::Text("Up         %6.2f KB/s", stats.kilobytes_out_per_second());
    ImGui::Text("Snapshots  %6.1f /s", stats.snapshots_per_second());
    ImGui::Text("In view    %6zu", session_->world().entities().size());
    ImGui::Text("Unacked    %6zu inputs", session_->predictor().pending());
    ImGui::Text("Corrections %5llu",
                static_cast<unsigned long long>(session_->predictor().corrections()));
    if (session_->resumes() > 0)
      ImGui::Text("Resumed    %6llu x", static_cast<unsigned long long>(session_->resumes()));
    ImGui::End();
  }
  // The controls, above the hotbar and under every window (the background list, like the
  // name labels), wrapped to the room between the bottom-left panels and the network panel.
  char help[256];
  std::snprintf(
      help, sizeof help,
      "WASD move  ·  Tab target  ·  1-%d / Space attack  ·  Q/E potions  ·  I inventory  ·  "
      "L leaderboard  ·  P party  ·  F friends  ·  M market  ·  T tournaments  ·  N network  ·  "
      "Esc leave",
      slots);
  const float wrap = std::max(200.0f, io.DisplaySize.x - 2.0f * 400.0f);
  const ImVec2 help_size = ImGui::CalcTextSize(help, nullptr, false, wrap);
  ImGui::GetBackgroundDrawList()->AddText(
      nullptr, 0.0f,
      {io.DisplaySize.x * 0.5f - help_size.x * 0.5f, io.DisplaySize.y - 84 - help_size.y},
      ImGui::GetColorU32(ImGuiCol_TextDisabled), help, nullptr, wrap);
}

}  // namespace omega::client
