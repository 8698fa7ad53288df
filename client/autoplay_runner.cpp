#include "client/autoplay_runner.hpp"

#include <cmath>
#include <cstdio>
#include <numbers>

#include "client/app.hpp"

namespace omega::client {

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
  const bool in_world = session && session->state() == SessionState::in_world && session->own_state();
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
      return advance();
    case ScriptCommand::enter_world:
      if (in_world && session->predictor().initialized()) return advance();
      if (!app.error().empty()) return fail(app.error());
      if (elapsed > step.seconds)
        return fail("not in the world after " + std::to_string(step.seconds) + " s" +
                    (session ? " (" + std::string(to_string(session->state())) + ": " + session->status_text() + ")" : ""));
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
    case ScriptCommand::screenshot:
      if (++settle_frames_ >= kSettleFrames) screenshot_ = step.words[0] + ".bmp";
      return;
    case ScriptCommand::quit:
      finished_ = true;
      return;
  }
}

}  // namespace omega::client
