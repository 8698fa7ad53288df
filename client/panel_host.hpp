// What a window panel (party_panel.hpp, market_panel.hpp, …) may use of the App: API calls as
// the signed-in account, who is playing, the zone session, the clock and the content. Each
// panel owns its window's state and drawing; the App owns these shared things and hands the
// panels this view of itself rather than the whole App. Also the two helpers that begin the
// panels' windows, so that they all open and place alike.
//
// Thread safety: render thread only.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "client/api_models.hpp"
#include "client/content_catalog.hpp"
#include "client/http_client.hpp"

namespace omega::client {

class ZoneSession;

// An API answer as a panel sees it.
struct ApiAnswer {
  int status = 0;         // HTTP status; 0 when the request never got an answer
  std::string_view body;  // valid during the handler only
  std::string failure;    // what went wrong, worded for the player (unused when ok())
  bool ok() const { return status >= 200 && status < 300; }
};
using ApiAnswerHandler = std::function<void(const ApiAnswer&)>;

class PanelHost {
 public:
  virtual ~PanelHost() = default;

  // Sends `request` with the account's access token (refreshed and replayed once if it has
  // expired); `on_answer` runs in a later frame, on the render thread.
  virtual void call_api(HttpRequestSpec request, ApiAnswerHandler on_answer) = 0;
  // True while any API call is in flight.
  virtual bool busy() const = 0;
  // True with an API account (tokens), false before login and for the offline dev path.
  virtual bool signed_in() const = 0;
  // True when playing the offline dev character (no API).
  virtual bool dev_character() const = 0;
  // The selected character's id (0 when none).
  virtual int64_t character_id() const = 0;
  // The zone session, or null outside the world.
  virtual ZoneSession* session() = 0;
  // The time of the current frame (seconds, the main loop's clock).
  virtual double now() const = 0;
  virtual const ContentCatalog& content() const = 0;
  // Leaves the world instance cleanly and enters the arena with its ticket.
  virtual void join_arena(const PlayGrant& arena) = 0;
};

// Begins an account window (party, friends, market, tournaments) at its first-use size and
// place; false (window ended) when it is collapsed, or without an account, where it says
// `needs`.
bool begin_account_window(const PanelHost& host, const char* title, bool* open, ImVec2 size,
                          ImVec2 position, const char* needs);
// A fixed 380×170 HUD panel at the bottom left, `row` panels up from the bottom (0: the combat
// log, 1: the chat box above it). Begins the window; the caller Ends it.
void begin_bottom_panel(const char* title, int row);

}  // namespace omega::client
