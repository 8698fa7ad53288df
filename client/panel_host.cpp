// The helpers that begin the panels' windows (panel_host.hpp).
#include "client/panel_host.hpp"

namespace omega::client {

bool begin_account_window(const PanelHost& host, const char* title, bool* open, ImVec2 size,
                          ImVec2 position, const char* needs) {
  ImGui::SetNextWindowSize(size, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(position, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin(title, open)) {
    ImGui::End();
    return false;
  }
  if (!host.signed_in() || host.dev_character()) {
    ImGui::TextDisabled("%s", needs);
    ImGui::End();
    return false;
  }
  return true;
}

void begin_bottom_panel(const char* title, int row) {
  const float bottom = ImGui::GetIO().DisplaySize.y - 10 - static_cast<float>(row) * 180;
  ImGui::SetNextWindowPos({10, bottom}, ImGuiCond_Always, {0.0f, 1.0f});
  ImGui::SetNextWindowSize({380, 170});
  ImGui::SetNextWindowBgAlpha(0.6f);
  ImGui::Begin(title, nullptr,
               ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoFocusOnAppearing);
}

}  // namespace omega::client
