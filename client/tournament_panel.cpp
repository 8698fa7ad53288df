// The tournament and match result windows (tournament_panel.hpp).
#include "client/tournament_panel.hpp"

#include <imgui.h>

#include <cstdio>

#include "client/arena_flow.hpp"
#include "client/zone_session.hpp"

namespace omega::client {

namespace {

// While queued the API widens the rating window with the wait; every 2 s is fresh enough to
// show it and costs the API one cheap read per queued player.
constexpr double kTournamentPollSeconds = 2.0;

// The selected character's entry in `tournament`'s queue (GET and DELETE).
std::string queue_entry_target(const std::string& tournament, int64_t character_id) {
  return "/v1/tournaments/" + tournament + "/queue?character_id=" + std::to_string(character_id);
}

}  // namespace

void TournamentPanel::refresh() {
  error_.clear();
  host_.call_api({"GET", "/v1/tournaments", "", ""}, [this](const ApiAnswer& answer) {
    if (!answer.ok()) {
      error_ = answer.failure;
    } else if (auto list = parse_tournaments(answer.body)) {
      tournaments_ = std::move(*list);
      loaded_ = true;
    } else {
      error_ = "the tournament list is not understood";
    }
  });
}

void TournamentPanel::take_status(const ApiAnswer& answer) {
  if (!answer.ok()) {
    error_ = answer.failure;
    return;
  }
  error_.clear();
  // DELETE .../queue may answer without a body: out of the queue.
  status_ = parse_tournament_status(answer.body);
  if (awaited_result_ && status_ && status_->last_match &&
      status_->last_match->match_id == awaited_result_->match_id) {
    match_result_ = status_->last_match;
    awaited_result_.reset();
    std::fprintf(stderr, "omega-client: match result: %s, rating %lld -> %lld\n",
                 match_result_->outcome.c_str(),
                 static_cast<long long>(match_result_->rating_before),
                 static_cast<long long>(match_result_->rating_after));
  }
}

void TournamentPanel::call_queue(HttpRequestSpec request) {
  host_.call_api(std::move(request), [this](const ApiAnswer& answer) {
    take_status(answer);
    if (!answer.ok()) return;
    if (const auto arena = arena_to_join(status_, joined_match_id_)) {
      joined_match_id_ = status_->match_id;
      host_.join_arena(*arena);
    }
  });
}

void TournamentPanel::queue(const std::string& tournament_id) {
  error_.clear();
  call_queue({"POST", "/v1/tournaments/" + tournament_id + "/queue",
              party_member_body(host_.character_id()), ""});
}

void TournamentPanel::leave_queue() {
  if (!status_) return;
  // 204 without a body: parse_tournament_status gives nullopt, i.e. not queued.
  call_queue({"DELETE", queue_entry_target(status_->tournament, host_.character_id()), "", ""});
}

void TournamentPanel::poll_status() {
  if (!status_ || status_->tournament.empty()) return;
  call_queue({"GET", queue_entry_target(status_->tournament, host_.character_id()), "", ""});
}

bool TournamentPanel::end_match(double now) {
  if (!status_) return false;
  // Once per match: the status read below (none, with last_match) lands here again.
  if (!awaited_result_ && (!match_result_ || match_result_->match_id != joined_match_id_))
    awaited_result_ = AwaitedResult{status_->tournament, joined_match_id_, now, now + 15.0};
  status_.reset();
  return true;
}

void TournamentPanel::ask_match_result() {
  const double now = host_.now();
  if (!awaited_result_ || now < awaited_result_->next_ask || host_.busy()) return;
  if (now > awaited_result_->give_up) {
    awaited_result_.reset();  // the arena never reported: no result to show
    return;
  }
  awaited_result_->next_ask = now + 1.0;
  call_queue(
      {"GET", queue_entry_target(awaited_result_->tournament, host_.character_id()), "", ""});
}

void TournamentPanel::draw_match_result() {
  if (!match_result_) return;
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

void TournamentPanel::draw() {
  if (!shown_) return;
  ZoneSession* session = host_.session();
  if (!begin_account_window(host_, "Tournaments", &shown_, {360, 260}, {760, 480},
                            "Tournaments need an account (the API)."))
    return;
  if (!loaded_ && error_.empty() && !host_.busy()) refresh();
  const bool waiting = status_ && (status_->status == "queued" || status_->status == "matching");
  if (waiting && host_.now() >= poll_at_ && !host_.busy()) {
    poll_at_ = host_.now() + kTournamentPollSeconds;
    poll_status();
  }
  for (const auto& tournament : tournaments_) {
    ImGui::PushID(tournament.id.c_str());
    ImGui::Text("%s  (%d v %d)",
                tournament.name.empty() ? tournament.id.c_str() : tournament.name.c_str(),
                tournament.team_size, tournament.team_size);
    ImGui::SameLine();
    ImGui::BeginDisabled(waiting);
    if (ImGui::SmallButton("Queue")) queue(tournament.id);
    ImGui::EndDisabled();
    ImGui::PopID();
  }
  if (status_ && status_->status != "none") {
    ImGui::Separator();
    ImGui::Text("%s: %s (rating %lld)", status_->tournament.c_str(), status_->status.c_str(),
                static_cast<long long>(status_->rating));
    if (status_->status == "queued") ImGui::Text("waiting %.0f s", status_->waited_seconds);
    if (status_->status == "matched")
      ImGui::TextWrapped(session && session->in_arena() ? "In the arena: fight the other team."
                                                        : "Your arena is ready: entering it…");
    if (waiting && ImGui::Button("Leave the queue")) leave_queue();
  }
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
