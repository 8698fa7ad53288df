#include "client/autoplay_runner.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "client/app.hpp"
#include "client/tile_route.hpp"

namespace omega::client {

namespace {

// Character names are ASCII and unique in any case.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::string AutoplayRunner::describe_current() const {
  if (index_ >= steps_.size()) return "done";
  const ScriptStep& step = steps_[index_];
  std::string text = "line " + std::to_string(step.line) + ": " + to_string(step.command);
  for (const auto& word : step.words) text += " " + word;
  return text;
}

void AutoplayRunner::advance() {
  ++index_;
  started_ = false;
  phase_ = 0;
  if (index_ >= steps_.size()) finished_ = true;
}

void AutoplayRunner::fail(const std::string& message) {
  if (finished_) return;
  error_ = describe_current() + ": " + message;
  finished_ = true;
}

void AutoplayRunner::begin_step(App& app, double now) {
  started_ = true;
  step_started_ = now;
  settle_frames_ = 0;
  const ScriptStep& step = steps_[index_];
  std::fprintf(stderr, "autoplay: %s\n", describe_current().c_str());
  app.set_scripted_intent(InputIntent{});
  switch (step.command) {
    case ScriptCommand::login:
      app.clear_error();
      app.login(step.words[0], step.words[1], true);
      break;
    case ScriptCommand::dev_character:
      app.select_dev_character(static_cast<int64_t>(step.number), step.words[0]);
      break;
    case ScriptCommand::enter_world:
      app.clear_error();
      app.enter_world();
      break;
    case ScriptCommand::leaderboard:
      app.open_leaderboard(step.words[0]);
      break;
    case ScriptCommand::open_window:
      if (!app.open_window(step.words[0])) fail("no window named " + step.words[0]);
      break;
    case ScriptCommand::befriend:
      app.open_window("friends");
      app.add_friend(step.words[0]);
      break;
    case ScriptCommand::item: {
      const protocol::ItemVerb verb = step.words[0] == "equip"     ? protocol::ItemVerb::equip
                                      : step.words[0] == "unequip" ? protocol::ItemVerb::unequip
                                                                   : protocol::ItemVerb::use;
      remembered_count_ = app.session() ? app.session()->item_answers() : 0;
      if (!app.item_action(verb, step.words[1]))
        fail("cannot send it (not in the world, an unknown item, or a zone without items)");
      break;
    }
    case ScriptCommand::chat: {
      protocol::ChatChannel channel = protocol::ChatChannel::world;
      protocol::parse_open_chat_channel(step.words[0], channel);  // checked by the script parser
      ZoneSession* session = app.session();
      if (session == nullptr || !session->send_chat(channel, "", step.words[1], now))
        fail("cannot send the line (not in the world, or the zone speaks no chat)");
      break;
    }
    case ScriptCommand::tournament:
      app.open_window("tournaments");  // the window polls the queue status while queued
      app.queue_for_tournament(step.words[0]);
      phase_ = 0;
      break;
    case ScriptCommand::drop_connection:
      if (ZoneSession* session = app.session()) {
        remembered_entity_ = session->own_entity();
        remembered_count_ = session->resumes();
        session->simulate_drop();
      }
      break;
    default:
      break;
  }
}

void AutoplayRunner::update(App& app, double now) {
  if (finished_ || screenshot_) return;
  if (!started_) begin_step(app, now);
  const ScriptStep& step = steps_[index_];
  const double elapsed = now - step_started_;
  ZoneSession* session = app.session();
  const bool in_world =
      session && session->state() == SessionState::in_world && session->own_state();
  if (session && session->state() == SessionState::failed)
    return fail("disconnected: " + session->status_text());

  switch (step.command) {
    case ScriptCommand::login:
      if (app.screen() == Screen::characters && app.characters_loaded()) return advance();
      if (!app.error().empty()) return fail(app.error());
      if (elapsed > kStepTimeoutSeconds) return fail("no answer from the API");
      return;
    case ScriptCommand::character: {
      if (!app.error().empty()) return fail(app.error());
      if (elapsed > kStepTimeoutSeconds) return fail("timed out");
      if (!app.characters_loaded() || app.busy()) return;
      for (const auto& c : app.characters())
        if (c.name == step.words[0]) {
          app.select_character(c.id);
          return advance();
        }
      if (phase_ == 0) {
        app.create_character(step.words[0], step.words[1]);
        phase_ = 1;
      }
      return;
    }
    case ScriptCommand::delete_character: {
      if (!app.error().empty()) return fail(app.error());
      if (elapsed > kStepTimeoutSeconds) return fail("timed out");
      if (!app.characters_loaded() || app.busy()) return;
      for (const auto& c : app.characters())
        if (c.name == step.words[0]) {
          if (phase_ == 0) app.delete_character(c.id);
          phase_ = 1;
          return;
        }
      return advance();
    }
    case ScriptCommand::dev_character:
    case ScriptCommand::open_window:
      return advance();
    case ScriptCommand::chat:
      // Done when the zone delivered the line back to us (say and world reach the speaker).
      if (session)
        for (const ChatEntry& line : session->chat())
          if (line.text == step.words[1] && line.channel != protocol::ChatChannel::system) {
            std::fprintf(stderr, "autoplay: chat line delivered: %s\n", line.text.c_str());
            return advance();
          }
      if (elapsed > step.seconds)
        return fail("the zone never delivered the line back within " +
                    std::to_string(step.seconds) + " s");
      return;
    case ScriptCommand::enter_world:
      if (in_world && session->predictor().initialized()) return advance();
      if (!app.error().empty()) return fail(app.error());
      if (elapsed > step.seconds)
        return fail("not in the world after " + std::to_string(step.seconds) + " s" +
                    (session ? " (" + std::string(to_string(session->state())) + ": " +
                                   session->status_text() + ")"
                             : ""));
      return;
    case ScriptCommand::wait:
      if (elapsed >= step.seconds) return advance();
      return;
    case ScriptCommand::walk: {
      if (!in_world) return fail("not in the world");
      const float radians = static_cast<float>(step.number * std::numbers::pi / 180.0);
      app.set_scripted_intent(InputIntent{true, radians, radians});
      if (elapsed >= step.seconds) {
        app.set_scripted_intent(InputIntent{false, 0.0f, radians});
        return advance();
      }
      return;
    }
    case ScriptCommand::attack:
      if (!in_world) return fail("not in the world");
      if (app.target() == 0) app.target_nearest();
      app.use_hotbar(1, now);
      if (elapsed >= step.seconds) return advance();
      return;
    case ScriptCommand::expect_entities: {
      if (!in_world) return fail("not in the world");
      const size_t others = session->world().entities().size() - 1;
      if (others >= static_cast<size_t>(step.number)) return advance();
      if (elapsed > step.seconds)
        return fail("only " + std::to_string(others) + " other entities in view after " +
                    std::to_string(step.seconds) + " s");
      return;
    }
    case ScriptCommand::befriend:
      for (const FriendEntry& f : app.friends())
        if (same_name(f.name, step.words[0])) {
          std::fprintf(stderr, "autoplay: friend request sent to %s (%s)\n", f.name.c_str(),
                       f.status.c_str());
          return advance();
        }
      if (elapsed > kStepTimeoutSeconds)
        return fail("the friend request to " + step.words[0] + " is not in the list");
      return;
    case ScriptCommand::item:
      if (in_world && session->item_answers() > remembered_count_) {
        const auto [item, refusal] = session->last_item_answer();
        if (refusal != protocol::ItemRefusal::none)
          return fail(std::string("refused: ") + protocol::to_string(refusal));
        std::fprintf(stderr, "autoplay: %s %s: done\n", step.words[0].c_str(),
                     app.content().item_name(item).c_str());
        return advance();
      }
      if (elapsed > kStepTimeoutSeconds) return fail("the zone did not answer");
      return;
    case ScriptCommand::leaderboard:
      if (app.leaderboard_loaded()) return advance();
      if (elapsed > kStepTimeoutSeconds) return fail("the leaderboard did not load");
      return;
    case ScriptCommand::drop_connection:
      if (in_world && session->resumes() > remembered_count_) {
        if (session->own_entity() != remembered_entity_)
          return fail("resumed as another entity (" + std::to_string(session->own_entity()) + ")");
        return advance();
      }
      if (elapsed > step.seconds) return fail("the session did not resume");
      return;
    case ScriptCommand::travel:
      return update_travel(app, now);
    case ScriptCommand::tournament: {
      // Phases: 0 queued, waiting for the arena; 1 fighting there; 2 match over, going back.
      static constexpr const char* kPhases[] = {"not in an arena", "the match did not end",
                                                "not back in the world"};
      if (elapsed > step.seconds)
        return fail(std::string(kPhases[phase_]) + " after " + std::to_string(step.seconds) + " s" +
                    (session ? " (" + std::string(to_string(session->state())) + ": " +
                                   session->status_text() + ")"
                             : ""));
      if (!session) return;
      if (phase_ == 0 && in_world && session->in_arena()) {
        std::fprintf(stderr, "autoplay: in the arena %s (instance %u)\n",
                     session->zone_name().c_str(), session->instance_id());
        phase_ = 1;
      }
      if (phase_ == 1) {
        if (session->last_kick() == protocol::KickReason::match_over ||
            (in_world && !session->in_arena())) {
          std::fprintf(stderr, "autoplay: match over\n");
          phase_ = 2;
        } else if (in_world) {
          if (app.target() == 0) app.target_nearest();
          app.use_hotbar(1, now);
        }
      }
      if (phase_ == 2 && in_world && !session->in_arena() && session->predictor().initialized()) {
        std::fprintf(stderr, "autoplay: back in %s after the match\n",
                     session->zone_name().c_str());
        return advance();
      }
      return;
    }
    case ScriptCommand::screenshot:
      if (++settle_frames_ >= kSettleFrames) {
        screenshot_ = step.words[0] + ".bmp";
        screenshot_ends_step_ = true;
      }
      return;
    case ScriptCommand::quit:
      finished_ = true;
      return;
  }
}

// Phases: 0 plan the route, 1 walk it, 2 let the loading screen settle and save it, 3 wait
// for the destination's Welcome.
void AutoplayRunner::update_travel(App& app, double now) {
  const ScriptStep& step = steps_[index_];
  const std::string& zone = step.words[0];
  ZoneSession* session = app.session();
  if (now - step_started_ > step.seconds)
    return fail(
        "not in " + zone + " after " + std::to_string(step.seconds) + " s (phase " +
        std::to_string(phase_) +
        (session ? ", " + std::string(to_string(session->state())) + ": " + session->status_text()
                 : "") +
        ")");
  if (!session) return fail("not in the world");
  const bool in_world = session->state() == SessionState::in_world && session->own_state();
  if (phase_ <= 1 && app.travelling()) {
    app.set_scripted_intent(InputIntent{});
    phase_ = 2;
    settle_frames_ = 0;
  }
  switch (phase_) {
    case 0: {
      if (!in_world) return;  // a reconnect in progress: plan once back
      if (!session->map())
        return fail("no tile map for " + session->zone_name() + ": " + session->map_error());
      const game::Vec2 here = session->draw_position(session->own_entity(), now);
      route_ = route_to_portal(*session->map(), here, zone);
      if (route_.empty() && !session->map()->portal_at(here.x, here.y))
        return fail("no walkable route from " + session->zone_name() + " to a portal to " + zone);
      std::fprintf(stderr, "autoplay: route of %zu tiles to the portal to %s\n", route_.size(),
                   zone.c_str());
      phase_ = 1;
      return;
    }
    case 1: {
      if (!in_world) return app.set_scripted_intent(InputIntent{});
      const game::Vec2 here = session->draw_position(session->own_entity(), now);
      // Close enough to a tile centre to turn towards the next without touching a corner.
      constexpr float kWaypointReached = 0.2f;
      while (route_.size() > 1 &&
             std::hypot(route_.front().x - here.x, route_.front().y - here.y) < kWaypointReached)
        route_.erase(route_.begin());
      if (route_.empty()) return;  // on the portal already: the Transfer is on its way
      const float direction = std::atan2(route_.front().y - here.y, route_.front().x - here.x);
      app.set_scripted_intent(InputIntent{true, direction, direction});
      return;
    }
    case 2:
      if (!app.travelling()) return fail("the loading screen ended before its screenshot");
      if (++settle_frames_ >= kSettleFrames) {
        screenshot_ = step.words[1] + ".bmp";
        screenshot_ends_step_ = false;
        phase_ = 3;
      }
      return;
    default:
      if (!in_world || app.travelling()) return;
      if (session->zone_name() != zone)
        return fail("arrived in " + session->zone_name() + " instead of " + zone);
      std::fprintf(stderr, "autoplay: arrived in %s (instance %u, %llu transfer(s))\n",
                   zone.c_str(), session->instance_id(),
                   static_cast<unsigned long long>(session->transfers()));
      return advance();
  }
}

}  // namespace omega::client
