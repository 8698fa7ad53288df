// The leaderboard window (L): the top ten of one board (level, monster kills, arena rating) as
// GET /v1/leaderboards/{board} last answered; choosing another board reads that one.
//
// Thread safety: render thread only.
#pragma once

#include <string>
#include <vector>

#include "client/panel_host.hpp"

namespace omega::client {

class LeaderboardPanel {
 public:
  explicit LeaderboardPanel(PanelHost& host) : host_(host) {}
  LeaderboardPanel(const LeaderboardPanel&) = delete;
  LeaderboardPanel& operator=(const LeaderboardPanel&) = delete;

  // Shows the window on `board` and reads it from the API.
  void open(const std::string& board);
  // Shows the window on the board last chosen.
  void open() { open(board_); }
  // Key L: closes the window, or opens it on the board last chosen.
  void toggle();
  void draw();

  bool loaded() const { return loaded_; }
  const std::vector<LeaderboardRow>& rows() const { return rows_; }

 private:
  PanelHost& host_;
  bool shown_ = false;
  std::string board_ = "level";
  std::vector<LeaderboardRow> rows_;
  bool loaded_ = false;
  std::string error_;
};

}  // namespace omega::client
