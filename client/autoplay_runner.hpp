// Runs an autoplay script (autoplay_script.hpp) against the App, one step at a time, through
// the same actions a player's clicks and keys use. Each frame: update(now) advances the current
// step; the main loop takes a screenshot when screenshot_wanted() names one, and exits when
// finished() with failed() deciding the status.
//
// Thread safety: render thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/autoplay_script.hpp"
#include "game/vec2.hpp"

namespace omega::client {

class App;

// A step that waits for something (login answer, entering the world) without its own timeout
// gives up after this long.
inline constexpr double kStepTimeoutSeconds = 30.0;
// Frames drawn on a new screen before its screenshot: ImGui sizes auto-resizing windows on
// their first frame, so the first frame of a screen is not what a player sees.
inline constexpr int kSettleFrames = 3;

class AutoplayRunner {
 public:
  explicit AutoplayRunner(std::vector<ScriptStep> steps) : steps_(std::move(steps)) {}

  void update(App& app, double now);
  // The screenshot file name (without directory) to save after this frame's drawing.
  std::optional<std::string> screenshot_wanted() const { return screenshot_; }
  void screenshot_taken() {
    screenshot_.reset();
    if (screenshot_ends_step_) advance();
  }
  void screenshot_failed(const std::string& error) { fail(error); }

  bool finished() const { return finished_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // What is happening, for the log.
  std::string describe_current() const;

 private:
  void begin_step(App& app, double now);
  void advance();
  void fail(const std::string& message);
  void update_travel(App& app, double now);

  std::vector<ScriptStep> steps_;
  size_t index_ = 0;
  bool started_ = false;  // the current step's begin_step ran
  double step_started_ = 0.0;
  int settle_frames_ = 0;
  int phase_ = 0;  // step-specific progress
  uint32_t remembered_entity_ = 0;
  uint64_t remembered_count_ = 0;
  std::optional<std::string> screenshot_;
  bool screenshot_ends_step_ = true;  // false for a screenshot taken in the middle of a step
  std::vector<game::Vec2> route_;     // travel: tile centres still to walk through
  bool finished_ = false;
  std::string error_;
};

}  // namespace omega::client
