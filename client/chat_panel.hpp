// The chat box (bottom left, above the combat log): the session's chat lines coloured by channel
// ("[World] Aragorn: hi", whispers as "From X" / "To X", system lines in yellow), and a line to
// type with its channel. Enter sends; the keyboard goes to the line while it is being typed
// (movement keys do not move). Lines the zone would refuse locally (empty, too long, not one line)
// are not sent. A right click on another player's line reports it (POST /v1/reports).
//
// Thread safety: render thread only.
#pragma once

#include <string>

#include "client/panel_host.hpp"

namespace omega::client {

struct ChatEntry;

class ChatPanel {
 public:
  explicit ChatPanel(PanelHost& host) : host_(host) {}
  ChatPanel(const ChatPanel&) = delete;
  ChatPanel& operator=(const ChatPanel&) = delete;

  // Enter pressed in the world: the line takes the keyboard on the next draw.
  void focus() { focus_ = true; }
  // Part of the world HUD: drawn while in the world, with a session.
  void draw();

 private:
  // Reports `line`'s sender to the moderators for `reason`.
  void report(const ChatEntry& line, const char* reason);

  PanelHost& host_;
  int channel_ = 0;      // ChatChannel say..world
  char to_[32] = "";     // whisper target
  char text_[256] = "";  // the line being typed
  bool focus_ = false;
  std::string notice_;  // the answer to the last report, shown under the lines
};

}  // namespace omega::client
