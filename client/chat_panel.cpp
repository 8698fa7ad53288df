// The chat box (chat_panel.hpp).
#include "client/chat_panel.hpp"

#include <imgui.h>

#include <cstring>

#include "client/zone_session.hpp"

namespace omega::client {

namespace {

using protocol::ChatChannel;

ImVec4 channel_colour(ChatChannel channel) {
  switch (channel) {
    case ChatChannel::say:
      return {1.0f, 1.0f, 1.0f, 1.0f};
    case ChatChannel::party:
      return {0.55f, 0.75f, 1.0f, 1.0f};
    case ChatChannel::whisper:
      return {0.95f, 0.6f, 0.95f, 1.0f};
    case ChatChannel::world:
      return {1.0f, 0.75f, 0.45f, 1.0f};
    case ChatChannel::system:
      return {1.0f, 0.9f, 0.3f, 1.0f};
  }
  return {1.0f, 1.0f, 1.0f, 1.0f};
}

constexpr const char* kChannelNames[] = {"Say", "Party", "Whisper", "World"};
constexpr const char* kReportReasons[] = {"spam", "abuse", "cheating", "other"};

}  // namespace

void ChatPanel::report(const ChatEntry& line, const char* reason) {
  notice_.clear();
  host_.call_api(
      {"POST", "/v1/reports", report_body(host_.character_id(), line.from, reason, line.text), ""},
      [this](const ApiAnswer& answer) {
        notice_ =
            answer.ok() ? "Report sent to the moderators." : "Cannot report: " + answer.failure;
      });
}

void ChatPanel::draw() {
  ZoneSession* session = host_.session();
  begin_bottom_panel("Chat", 1);  // above the combat log
  const protocol::EntityState* own = session->own_state();
  const std::string own_name = own ? std::string(own->name.view()) : "";
  ImGui::BeginChild("##lines", {0, -ImGui::GetFrameHeightWithSpacing()});
  int index = 0;
  for (const ChatEntry& line : session->chat()) {
    ImGui::PushID(index++);
    ImGui::PushStyleColor(ImGuiCol_Text, channel_colour(line.channel));
    ImGui::TextWrapped("%s", chat_line_text(line, own_name).c_str());
    ImGui::PopStyleColor();
    // Right click on another player's line: report it (an account's character only).
    const bool reportable = !host_.dev_character() && line.channel != ChatChannel::system &&
                            !line.from.empty() && line.from != own_name;
    if (reportable && ImGui::BeginPopupContextItem("report")) {
      ImGui::TextDisabled("Report %s to the moderators", line.from.c_str());
      for (const char* reason : kReportReasons)
        if (ImGui::MenuItem(reason)) report(line, reason);
      ImGui::EndPopup();
    }
    ImGui::PopID();
  }
  if (session->chat().empty()) ImGui::TextDisabled("Press Enter to chat.");
  if (!notice_.empty()) ImGui::TextDisabled("%s", notice_.c_str());
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
  ImGui::SetNextItemWidth(80);
  ImGui::Combo("##channel", &channel_, kChannelNames, IM_ARRAYSIZE(kChannelNames));
  ImGui::SameLine();
  if (channel_ == static_cast<int>(ChatChannel::whisper)) {
    ImGui::SetNextItemWidth(90);
    ImGui::InputTextWithHint("##to", "name", to_, sizeof to_);
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(-1);
  if (focus_) {
    ImGui::SetKeyboardFocusHere();
    focus_ = false;
  }
  if (ImGui::InputTextWithHint("##say", "say something", text_, sizeof text_,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    if (text_[0] != '\0' &&
        session->send_chat(static_cast<ChatChannel>(channel_), to_, text_, host_.now()))
      text_[0] = '\0';
  }
  ImGui::End();
}

}  // namespace omega::client
