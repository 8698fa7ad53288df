// The friends window: the selected character's friends with their presence (online and in
// which zone), requests both ways, and a name to ask (/v1/characters/{id}/friends...). When a
// friend logs in, the zone says so in the chat box ("Ann is online (forest).").
#include <imgui.h>

#include "client/app.hpp"

namespace omega::client {

namespace {

std::string friends_path(int64_t character_id) {
  return "/v1/characters/" + std::to_string(character_id) + "/friends";
}

}  // namespace

void App::refresh_friends() {
  if (!tokens_ || selected_character_ <= 0) return;
  submit(Call::friends, {"GET", friends_path(selected_character_), "", ""});
}

void App::add_friend(const std::string& character_name) {
  friends_error_.clear();
  submit(Call::friend_change,
         {"POST", friends_path(selected_character_), friend_request_body(character_name), ""});
}

void App::accept_friend(int64_t character_id) {
  friends_error_.clear();
  submit(
      Call::friend_change,
      {"POST", friends_path(selected_character_) + "/" + std::to_string(character_id) + "/accept",
       "{}", ""});
}

void App::remove_friend(int64_t character_id) {
  friends_error_.clear();
  submit(
      Call::friend_change,
      {"DELETE", friends_path(selected_character_) + "/" + std::to_string(character_id), "", ""});
}

void App::draw_friends_window() {
  if (!begin_account_window("Friends", &show_friends_, {340, 250}, {400, 440},
                            "Friends need an account (the API)."))
    return;
  if (!friends_loaded_) ImGui::TextDisabled("Loading...");
  if (friends_loaded_ && friends_.empty()) ImGui::TextUnformatted("No friends yet.");
  for (const FriendEntry& f : friends_) {
    ImGui::PushID(static_cast<int>(f.character_id));
    if (f.status == "friend") {
      if (f.online)
        ImGui::TextColored({0.5f, 1.0f, 0.5f, 1.0f}, "%s  (%s %d)  online in %s", f.name.c_str(),
                           f.class_id.c_str(), f.level, f.zone.c_str());
      else
        ImGui::TextDisabled("%s  (%s %d)  offline", f.name.c_str(), f.class_id.c_str(), f.level);
      ImGui::SameLine();
      if (ImGui::SmallButton("Remove")) remove_friend(f.character_id);
    } else if (f.status == "incoming") {
      ImGui::Text("%s asks to be your friend", f.name.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("Accept")) accept_friend(f.character_id);
      ImGui::SameLine();
      if (ImGui::SmallButton("Decline")) remove_friend(f.character_id);
    } else {
      ImGui::TextDisabled("%s: request sent", f.name.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("Cancel")) remove_friend(f.character_id);
    }
    ImGui::PopID();
  }
  ImGui::Separator();
  // Character names are ASCII letters and digits (the API checks them).
  ImGui::InputText("Character name", friend_name_, sizeof friend_name_,
                   ImGuiInputTextFlags_CharsNoBlank);
  ImGui::SameLine();
  ImGui::BeginDisabled(friend_name_[0] == '\0');
  if (ImGui::Button("Add")) {
    add_friend(friend_name_);
    friend_name_[0] = '\0';
  }
  ImGui::EndDisabled();
  if (ImGui::Button("Refresh")) refresh_friends();
  if (!friends_error_.empty())
    ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", friends_error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
