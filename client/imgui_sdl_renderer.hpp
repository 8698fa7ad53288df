// Our Dear ImGui renderer backend on SDL_Renderer (SDL_RenderGeometryRaw, SDL ≥ 2.0.18): draws
// ImGui's vertex/index lists as textured triangles, so it works on every SDL renderer,
// including the software renderer used headless in tests. Debian's libimgui ships the SDL2
// platform backend (input) but not an SDL_Renderer backend; this is our own, written against
// ImGui's documented ImDrawData contract, not a copy of upstream's.
//
// ImTextureID values are SDL_Texture pointers (the font atlas and the minimap).
// Thread safety: render thread only, like SDL_Renderer itself.
#pragma once

struct SDL_Renderer;
struct SDL_Texture;
struct ImDrawData;

namespace omega::client {

class ImGuiSdlRenderer {
 public:
  explicit ImGuiSdlRenderer(SDL_Renderer* renderer);
  ~ImGuiSdlRenderer();
  ImGuiSdlRenderer(const ImGuiSdlRenderer&) = delete;
  ImGuiSdlRenderer& operator=(const ImGuiSdlRenderer&) = delete;

  // Creates the font atlas texture if needed; call before ImGui::NewFrame().
  bool new_frame();
  // Draws ImGui::GetDrawData() output.
  void render(ImDrawData* draw_data);

 private:
  SDL_Renderer* renderer_;
  SDL_Texture* font_texture_ = nullptr;
};

}  // namespace omega::client
