// The leaderboard window (leaderboard_panel.hpp).
#include "client/leaderboard_panel.hpp"

#include <imgui.h>

namespace omega::client {

void LeaderboardPanel::open(const std::string& board) {
  shown_ = true;
  board_ = board;
  loaded_ = false;
  error_.clear();
  host_.call_api({"GET", "/v1/leaderboards/" + board + "?limit=10", "", ""},
                 [this](const ApiAnswer& answer) {
                   if (!answer.ok()) {
                     error_ = answer.failure;
                   } else if (auto rows = parse_leaderboard(answer.body)) {
                     rows_ = std::move(*rows);
                     loaded_ = true;
                   } else {
                     error_ = "the leaderboard answer is not understood";
                   }
                 });
}

void LeaderboardPanel::toggle() {
  if (shown_)
    shown_ = false;
  else
    open();
}

void LeaderboardPanel::draw() {
  if (!shown_) return;
  ImGui::SetNextWindowSize({340, 320}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos({40, 120}, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Leaderboard", &shown_)) {
    ImGui::End();
    return;
  }
  for (const char* board : {"level", "monster_kills", "arena_rating"}) {
    if (ImGui::RadioButton(board, board_ == board)) open(board);
    ImGui::SameLine();
  }
  ImGui::NewLine();
  if (!error_.empty()) {
    ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  } else if (!loaded_) {
    ImGui::TextDisabled("loading…");
  } else if (rows_.empty()) {
    ImGui::TextDisabled("Nobody is ranked yet.");
  } else if (ImGui::BeginTable("rows", 3, ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("Name");
    ImGui::TableSetupColumn("Score");
    ImGui::TableHeadersRow();
    for (const auto& row : rows_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.rank));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.score));
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace omega::client
