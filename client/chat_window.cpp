// The chat box (bottom left, above the combat log): the session's chat lines coloured by channel
// ("[World] Aragorn: hi", whispers as "From X" / "To X", system lines in yellow), and a line to
// type with its channel. Enter sends; the keyboard goes to the line while it is being typed
// (movement keys do not move). Lines the zone would refuse locally (empty, too long, not one line)
// are not sent.
#include <imgui.h>

#include <cstring>

#include "client/app.hpp"

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

void App::report_chat_line(const ChatEntry& line, const char* reason) {
  chat_notice_.clear();
  submit(Call::report, {"POST", "/v1/reports",
                        report_body(selected_character_, line.from, reason, line.text), ""});
}

void App::draw_chat_window() {
  begin_bottom_panel("Chat", 1);  // above the combat log
  const protocol::EntityState* own = session_->own_state();
  const std::string own_name = own ? std::string(own->name.view()) : "";
  ImGui::BeginChild("##lines", {0, -ImGui::GetFrameHeightWithSpacing()});
  int index = 0;
  for (const ChatEntry& line : session_->chat()) {
    ImGui::PushID(index++);
    ImGui::PushStyleColor(ImGuiCol_Text, channel_colour(line.channel));
    ImGui::TextWrapped("%s", chat_line_text(line, own_name).c_str());
    ImGui::PopStyleColor();
    // Right click on another player's line: report it (an account's character only).
    const bool reportable = !dev_character_ && line.channel != ChatChannel::system &&
                            !line.from.empty() && line.from != own_name;
    if (reportable && ImGui::BeginPopupContextItem("report")) {
      ImGui::TextDisabled("Report %s to the moderators", line.from.c_str());
      for (const char* reason : kReportReasons)
        if (ImGui::MenuItem(reason)) report_chat_line(line, reason);
      ImGui::EndPopup();
    }
    ImGui::PopID();
  }
  if (session_->chat().empty()) ImGui::TextDisabled("Press Enter to chat.");
  if (!chat_notice_.empty()) ImGui::TextDisabled("%s", chat_notice_.c_str());
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
  ImGui::SetNextItemWidth(80);
  ImGui::Combo("##channel", &chat_channel_, kChannelNames, IM_ARRAYSIZE(kChannelNames));
  ImGui::SameLine();
  if (chat_channel_ == static_cast<int>(ChatChannel::whisper)) {
    ImGui::SetNextItemWidth(90);
    ImGui::InputTextWithHint("##to", "name", chat_to_, sizeof chat_to_);
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(-1);
  if (focus_chat_) {
    ImGui::SetKeyboardFocusHere();
    focus_chat_ = false;
  }
  if (ImGui::InputTextWithHint("##say", "say something", chat_text_, sizeof chat_text_,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    if (chat_text_[0] != '\0' &&
        session_->send_chat(static_cast<ChatChannel>(chat_channel_), chat_to_, chat_text_, now_))
      chat_text_[0] = '\0';
  }
  ImGui::End();
}

}  // namespace omega::client
