// The party window: create a party, invite by character name, join by party id, leave; the
// members and pending invites as the API last reported them (POST/GET /v1/parties...).
// A party seats its members together: the API's directory sends them to the same instance
// of the next zone they play or travel to.
#include <imgui.h>

#include <cstdlib>

#include "client/app.hpp"

namespace omega::client {

namespace {

// A positive id typed into a text field, or 0.
int64_t parse_id(const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && value > 0 ? static_cast<int64_t>(value) : 0;
}

}  // namespace

void App::create_party() {
  party_error_.clear();
  submit(Call::party, {"POST", "/v1/parties", party_member_body(selected_character_), ""});
}

void App::invite_to_party(const std::string& character_name) {
  if (!party_) return;
  party_error_.clear();
  submit(Call::party, {"POST", "/v1/parties/" + std::to_string(party_->id) + "/invite",
                       party_invite_body(selected_character_, character_name), ""});
}

void App::join_party(int64_t party_id) {
  party_error_.clear();
  submit(Call::party, {"POST", "/v1/parties/" + std::to_string(party_id) + "/join",
                       party_member_body(selected_character_), ""});
}

void App::leave_party() {
  if (!party_) return;
  party_error_.clear();
  submit(Call::party_left, {"POST", "/v1/parties/" + std::to_string(party_->id) + "/leave",
                            party_member_body(selected_character_), ""});
}

void App::refresh_party() {
  if (!party_) return;
  submit(Call::party, {"GET", "/v1/parties/" + std::to_string(party_->id), "", ""});
}

void App::draw_party_window() {
  if (!begin_account_window("Party", &show_party_, {320, 300}, {400, 120},
                            "Parties need an account (the API)."))
    return;
  ImGui::TextDisabled("Playing as character #%lld", static_cast<long long>(selected_character_));
  if (!party_) {
    ImGui::TextUnformatted("You are not in a party.");
    if (ImGui::Button("Create a party")) create_party();
    ImGui::InputText("Party id", party_join_id_, sizeof party_join_id_,
                     ImGuiInputTextFlags_CharsDecimal);
    ImGui::SameLine();
    const int64_t join_id = parse_id(party_join_id_);
    ImGui::BeginDisabled(join_id == 0);
    if (ImGui::Button("Join")) join_party(join_id);
    ImGui::EndDisabled();
  } else {
    ImGui::Text("Party #%lld", static_cast<long long>(party_->id));
    for (const auto& member : party_->members)
      ImGui::BulletText("%s  (#%lld)%s", member.name.c_str(),
                        static_cast<long long>(member.character_id),
                        member.character_id == party_->leader ? "  — leader" : "");
    for (const auto& invited : party_->invitees)
      ImGui::BulletText("%s  (#%lld, invited)", invited.name.c_str(),
                        static_cast<long long>(invited.character_id));
    if (party_->leader == selected_character_) {
      // Character names are ASCII letters and digits (the API checks them).
      ImGui::InputText("Character name", party_invitee_, sizeof party_invitee_,
                       ImGuiInputTextFlags_CharsNoBlank);
      ImGui::SameLine();
      ImGui::BeginDisabled(party_invitee_[0] == '\0');
      if (ImGui::Button("Invite")) {
        invite_to_party(party_invitee_);
        party_invitee_[0] = '\0';
      }
      ImGui::EndDisabled();
    }
    if (ImGui::Button("Refresh")) refresh_party();
    ImGui::SameLine();
    if (ImGui::Button("Leave")) leave_party();
  }
  if (!party_error_.empty())
    ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", party_error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
