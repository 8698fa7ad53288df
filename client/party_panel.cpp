// The party window (party_panel.hpp).
#include "client/party_panel.hpp"

#include <imgui.h>

#include <cstdlib>

namespace omega::client {

namespace {

// A positive id typed into a text field, or 0.
int64_t parse_id(const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && value > 0 ? static_cast<int64_t>(value) : 0;
}

}  // namespace

void PartyPanel::take_party(const ApiAnswer& answer) {
  if (answer.ok()) {
    error_.clear();
    if (auto party = parse_party(answer.body))
      party_ = std::move(*party);
    else
      refresh();  // an answer without the party (invite): read it back
  } else {
    error_ = answer.failure;
  }
}

void PartyPanel::create() {
  error_.clear();
  host_.call_api({"POST", "/v1/parties", party_member_body(host_.character_id()), ""},
                 [this](const ApiAnswer& answer) { take_party(answer); });
}

void PartyPanel::invite(const std::string& character_name) {
  if (!party_) return;
  error_.clear();
  host_.call_api({"POST", "/v1/parties/" + std::to_string(party_->id) + "/invite",
                  party_invite_body(host_.character_id(), character_name), ""},
                 [this](const ApiAnswer& answer) { take_party(answer); });
}

void PartyPanel::join(int64_t party_id) {
  error_.clear();
  host_.call_api({"POST", "/v1/parties/" + std::to_string(party_id) + "/join",
                  party_member_body(host_.character_id()), ""},
                 [this](const ApiAnswer& answer) { take_party(answer); });
}

void PartyPanel::leave() {
  if (!party_) return;
  error_.clear();
  host_.call_api({"POST", "/v1/parties/" + std::to_string(party_->id) + "/leave",
                  party_member_body(host_.character_id()), ""},
                 [this](const ApiAnswer& answer) {
                   if (answer.ok() || answer.status == 404) {
                     party_.reset();
                     error_.clear();
                   } else {
                     error_ = answer.failure;
                   }
                 });
}

void PartyPanel::refresh() {
  if (!party_) return;
  host_.call_api({"GET", "/v1/parties/" + std::to_string(party_->id), "", ""},
                 [this](const ApiAnswer& answer) { take_party(answer); });
}

void PartyPanel::draw() {
  if (!shown_) return;
  if (!begin_account_window(host_, "Party", &shown_, {320, 300}, {400, 120},
                            "Parties need an account (the API)."))
    return;
  ImGui::TextDisabled("Playing as character #%lld", static_cast<long long>(host_.character_id()));
  if (!party_) {
    ImGui::TextUnformatted("You are not in a party.");
    if (ImGui::Button("Create a party")) create();
    ImGui::InputText("Party id", join_id_, sizeof join_id_, ImGuiInputTextFlags_CharsDecimal);
    ImGui::SameLine();
    const int64_t join_id = parse_id(join_id_);
    ImGui::BeginDisabled(join_id == 0);
    if (ImGui::Button("Join")) join(join_id);
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
    if (party_->leader == host_.character_id()) {
      // Character names are ASCII letters and digits (the API checks them).
      ImGui::InputText("Character name", invitee_, sizeof invitee_,
                       ImGuiInputTextFlags_CharsNoBlank);
      ImGui::SameLine();
      ImGui::BeginDisabled(invitee_[0] == '\0');
      if (ImGui::Button("Invite")) {
        invite(invitee_);
        invitee_[0] = '\0';
      }
      ImGui::EndDisabled();
    }
    if (ImGui::Button("Refresh")) refresh();
    ImGui::SameLine();
    if (ImGui::Button("Leave")) leave();
  }
  if (!error_.empty()) ImGui::TextColored({1.0f, 0.4f, 0.4f, 1.0f}, "%s", error_.c_str());
  ImGui::End();
}

}  // namespace omega::client
