// The tournament window (T): the tournaments on offer, queueing the selected character for one,
// leaving the queue, and the queue status polled while queued (/v1/tournaments...).
// A "matched" status carries the arena's ws_url and ticket: the client leaves its world
// instance and enters the arena (PanelHost::join_arena, once per match); after Kick match_over
// it re-plays through POST /v1/play into its saved zone, and the queue status is asked until
// its last_match tells how that match went: the match result window shows it.
//
// Thread safety: render thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/panel_host.hpp"

namespace omega::client {

class TournamentPanel {
 public:
  explicit TournamentPanel(PanelHost& host) : host_(host) {}
  TournamentPanel(const TournamentPanel&) = delete;
  TournamentPanel& operator=(const TournamentPanel&) = delete;

  void open() { shown_ = true; }
  void toggle() { shown_ = !shown_; }
  void draw();
  // The match result window, while there is a result to show.
  void draw_match_result();

  void refresh();
  void queue(const std::string& tournament_id);
  void leave_queue();
  void poll_status();
  // The zone ended the match (Kick match_over): the queue status is history (the next queue
  // starts afresh) and the match's result is awaited. False when there was no queue status.
  bool end_match(double now);
  // While a match result is awaited: asks the queue status (every second, up to 15 s).
  void ask_match_result();
  // A queue status answer (also the App's, asked for a lost arena connection's ticket).
  void take_status(const ApiAnswer& answer);

  const std::optional<TournamentStatus>& status() const { return status_; }
  // The result of the last arena match played in this run, if known.
  const std::optional<MatchResult>& match_result() const { return match_result_; }

 private:
  // Sends a queue request (GET, POST or DELETE); a matched answer joins its arena.
  void call_queue(HttpRequestSpec request);

  PanelHost& host_;
  bool shown_ = false;
  std::vector<TournamentInfo> tournaments_;
  bool loaded_ = false;
  std::optional<TournamentStatus> status_;
  std::string error_;
  double poll_at_ = 0.0;
  int64_t joined_match_id_ = -1;  // the match whose arena we joined (once per match)
  struct AwaitedResult {
    std::string tournament;
    int64_t match_id = 0;
    double next_ask = 0.0, give_up = 0.0;
  };
  std::optional<AwaitedResult> awaited_result_;
  std::optional<MatchResult> match_result_;
};

}  // namespace omega::client
