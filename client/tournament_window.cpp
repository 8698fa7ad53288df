// The tournament window: the tournaments on offer, queueing the selected character for one,
// leaving the queue, and the queue status polled while queued (/v1/tournaments...).
// A "matched" status carries the arena's ws_url and ticket: the client leaves its world
// instance and enters the arena (App::join_arena, once per match); after Kick match_over it
// re-plays through POST /v1/play into its saved zone.
#include <imgui.h>

#include "client/app.hpp"

namespace omega::client {

namespace {

// While queued the API widens the rating window with the wait; every 2 s is fresh enough to
// show it and costs the API one cheap read per queued player.
constexpr double kTournamentPollSeconds = 2.0;

}  // namespace

void App::refresh_tournaments() {
  tournament_error_.clear();
  submit(Call::tournaments, {"GET", "/v1/tournaments", "", ""});
}

void App::queue_for_tournament(const std::string& id) {
  tournament_error_.clear();
  submit(Call::tournament_status,
         {"POST", "/v1/tournaments/" + id + "/queue", party_member_body(selected_character_), ""});
}

void App::leave_tournament_queue() {
  if (!tournament_status_) return;
  // 204 without a body: parse_tournament_status gives nullopt, i.e. not queued.
  submit(Call::tournament_status, {"DELETE",
                                   "/v1/tournaments/" + tournament_status_->tournament +
                                       "/queue?character_id=" + std::to_string(selected_character_),
                                   "", ""});
}

void App::poll_tournament_status() {
  if (!tournament_status_ || tournament_status_->tournament.empty()) return;
  submit(Call::tournament_status, {"GET",
                                   "/v1/tournaments/" + tournament_status_->tournament +
                                       "/queue?character_id=" + std::to_string(selected_character_),
                                   "", ""});
}

void App::ask_match_result() {
  if (!awaited_result_ || now_ < awaited_result_->next_ask || busy()) return;
  if (now_ > awaited_result_->give_up) {
    awaited_result_.reset();  // the arena never reported: no result to show
    return;
  }
  awaited_result_->next_ask = now_ + 1.0;
  submit(Call::tournament_status, {"GET",
                                   "/v1/tournaments/" + awaited_result_->tournament +
                                       "/queue?character_id=" + std::to_string(selected_character_),
                                   "", ""});
}

void App::draw_match_result() {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.3f}, ImGuiCond_Appearing,
                          {0.5f, 0.5f});
  bool open = true;
  ImGui::Begin("Match result", &open,
               ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoCollapse);
  const MatchResult& r = *match_result_;
  ImGui::SetWindowFontScale(1.6f);
  if (r.outcome == "win")
    ImGui::TextColored({0.5f, 1.0f, 0.5f, 1.0f}, "Victory");
  else if (r.outcome == "loss")
    ImGui::TextColored({1.0f, 0.45f, 0.4f, 1.0f}, "Defeat");
  else
    ImGui::TextUnformatted("Draw");
  ImGui::SetWindowFontScale(1.0f);
  const int64_t change = r.rating_after - r.rating_before;
  ImGui::Text("Rating %lld -> %lld (%s%lld)", static_cast<long long>(r.rating_before),
              static_cast<long long>(r.rating_after), change >= 0 ? "+" : "",
              static_cast<long long>(change));
  if (ImGui::Button("Close")) open = false;
  ImGui::End();
  if (!open) match_result_.reset();
}

void App::draw_tournament_window() {
  if (!begin_account_window("Tournaments", &show_tournaments_, {360, 260}, {760, 480},
                            "Tournaments need an account (the API)."))
    return;
  if (!tournaments_loaded_ && tournament_error_.empty() && !busy()) refresh_tournaments();
  const bool waiting = tournament_status_ && (tournament_status_->status == "queued" ||
                                              tournament_status_->status == "matching");
  if (waiting && now_ >= tournament_poll_at_ && !busy()) {
    tournament_poll_at_ = now_ + kTournamentPollSeconds;
    poll_tournament_status();
  }
  for (const auto& tournament : tournaments_) {
    ImGui::PushID(tournament.id.c_str());
    ImGui::Text("%s  (%d v %d)",
                tournament.name.empty() ? tournament.id.c_str() : tournament.name.c_str(),
                tournament.team_size, tournament.team_size);
    ImGui::SameLine();
    ImGui::BeginDisabled(waiting);
    if (ImGui::SmallButton("Queue")) queue_for_tournament(tournament.id);
    ImGui::EndDisabled();
    ImGui::PopID();
  }
  if (tournament_status_ && tournament_status_->status != "none") {
    ImGui::Separator();
    ImGui::Text("%s: %s (rating %lld)", tournament_status_->tournament.c_str(),
                tournament_status_->status.c_str(),
                static_cast<long long>(tournament_status_->rating));
    if (tournament_status_->status == "queued")
      ImGui::Text("waiting %.0f s", tournament_status_->waited_seconds);
    if (tournament_status_->status == "matched")
      ImGui::TextWrapped(session_ && session_->in_arena() ? "In the arena: fight the other team."
                                                          : "Your arena is ready: entering it…");
    if (waiting && ImGui::Button("Leave the queue")) leave_tournament_queue();
  }
  if (!tournament_error_.empty())
    ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", tournament_error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
