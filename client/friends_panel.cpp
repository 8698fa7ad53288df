// The friends window (friends_panel.hpp).
#include "client/friends_panel.hpp"

#include <imgui.h>

namespace omega::client {

namespace {

std::string friends_path(int64_t character_id) {
  return "/v1/characters/" + std::to_string(character_id) + "/friends";
}

}  // namespace

void FriendsPanel::open() {
  shown_ = true;
  refresh();
}

void FriendsPanel::toggle() {
  if (shown_)
    shown_ = false;
  else
    open();
}

void FriendsPanel::refresh() {
  if (!host_.signed_in() || host_.character_id() <= 0) return;
  host_.call_api({"GET", friends_path(host_.character_id()), "", ""},
                 [this](const ApiAnswer& answer) {
                   if (!answer.ok()) {
                     error_ = answer.failure;
                   } else if (auto friends = parse_friends(answer.body)) {
                     friends_ = std::move(*friends);
                     loaded_ = true;
                     error_.clear();
                   }
                 });
}

void FriendsPanel::take_change(const ApiAnswer& answer) {
  if (answer.ok())
    error_.clear();
  else
    error_ = answer.failure;
  refresh();
}

void FriendsPanel::add(const std::string& character_name) {
  error_.clear();
  host_.call_api(
      {"POST", friends_path(host_.character_id()), friend_request_body(character_name), ""},
      [this](const ApiAnswer& answer) { take_change(answer); });
}

void FriendsPanel::accept(int64_t character_id) {
  error_.clear();
  host_.call_api(
      {"POST", friends_path(host_.character_id()) + "/" + std::to_string(character_id) + "/accept",
       "{}", ""},
      [this](const ApiAnswer& answer) { take_change(answer); });
}

void FriendsPanel::remove(int64_t character_id) {
  error_.clear();
  host_.call_api(
      {"DELETE", friends_path(host_.character_id()) + "/" + std::to_string(character_id), "", ""},
      [this](const ApiAnswer& answer) { take_change(answer); });
}

void FriendsPanel::draw() {
  if (!shown_) return;
  if (!begin_account_window(host_, "Friends", &shown_, {340, 250}, {400, 440},
                            "Friends need an account (the API)."))
    return;
  if (!loaded_) ImGui::TextDisabled("Loading...");
  if (loaded_ && friends_.empty()) ImGui::TextUnformatted("No friends yet.");
  for (const FriendEntry& f : friends_) {
    ImGui::PushID(static_cast<int>(f.character_id));
    if (f.status == "friend") {
      if (f.online)
        ImGui::TextColored({0.5f, 1.0f, 0.5f, 1.0f}, "%s  (%s %d)  online in %s", f.name.c_str(),
                           f.class_id.c_str(), f.level, f.zone.c_str());
      else
        ImGui::TextDisabled("%s  (%s %d)  offline", f.name.c_str(), f.class_id.c_str(), f.level);
      ImGui::SameLine();
      if (ImGui::SmallButton("Remove")) remove(f.character_id);
    } else if (f.status == "incoming") {
      ImGui::Text("%s asks to be your friend", f.name.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("Accept")) accept(f.character_id);
      ImGui::SameLine();
      if (ImGui::SmallButton("Decline")) remove(f.character_id);
    } else {
      ImGui::TextDisabled("%s: request sent", f.name.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("Cancel")) remove(f.character_id);
    }
    ImGui::PopID();
  }
  ImGui::Separator();
  // Character names are ASCII letters and digits (the API checks them).
  ImGui::InputText("Character name", name_, sizeof name_, ImGuiInputTextFlags_CharsNoBlank);
  ImGui::SameLine();
  ImGui::BeginDisabled(name_[0] == '\0');
  if (ImGui::Button("Add")) {
    add(name_);
    name_[0] = '\0';
  }
  ImGui::EndDisabled();
  if (ImGui::Button("Refresh")) refresh();
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
