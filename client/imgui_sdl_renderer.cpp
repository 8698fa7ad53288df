#include "client/imgui_sdl_renderer.hpp"

#include <SDL.h>
#include <imgui.h>

#include <cstddef>

#include "client/font_glyphs.hpp"

namespace omega::client {

ImGuiSdlRenderer::ImGuiSdlRenderer(SDL_Renderer* renderer) : renderer_(renderer) {
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "omega_sdl_render_geometry";
  // We honour ImDrawCmd::VtxOffset, so meshes may exceed 64K vertices with 16-bit indices.
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  reserve_punctuation_glyphs(*io.Fonts);
}

ImGuiSdlRenderer::~ImGuiSdlRenderer() {
  if (font_texture_) {
    ImGui::GetIO().Fonts->SetTexID(nullptr);
    SDL_DestroyTexture(font_texture_);
  }
}

bool ImGuiSdlRenderer::new_frame() {
  if (font_texture_) return true;
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  paint_punctuation_glyphs(*io.Fonts, pixels, width);
  // ImGui's RGBA32 is bytes R, G, B, A in memory: SDL_PIXELFORMAT_RGBA32 on any endianness.
  font_texture_ =
      SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, width, height);
  if (!font_texture_) return false;
  SDL_UpdateTexture(font_texture_, nullptr, pixels, width * 4);
  SDL_SetTextureBlendMode(font_texture_, SDL_BLENDMODE_BLEND);
  SDL_SetTextureScaleMode(font_texture_, SDL_ScaleModeLinear);
  io.Fonts->SetTexID(static_cast<ImTextureID>(font_texture_));
  return true;
}

void ImGuiSdlRenderer::render(ImDrawData* draw_data) {
  if (!draw_data || draw_data->CmdListsCount == 0) return;
  // Framebuffer pixels per ImGui unit (high-DPI): SDL_RenderSetScale maps our coordinates.
  float scale_x = 1.0f, scale_y = 1.0f;
  SDL_RenderGetScale(renderer_, &scale_x, &scale_y);
  const ImVec2 clip_scale{
      draw_data->FramebufferScale.x == 0 ? 1.0f : draw_data->FramebufferScale.x / scale_x,
      draw_data->FramebufferScale.y == 0 ? 1.0f : draw_data->FramebufferScale.y / scale_y};
  const ImVec2 origin = draw_data->DisplayPos;
  int output_w = 0, output_h = 0;
  SDL_GetRendererOutputSize(renderer_, &output_w, &output_h);
  SDL_Rect saved_clip;
  SDL_RenderGetClipRect(renderer_, &saved_clip);
  const bool had_clip = SDL_RenderIsClipEnabled(renderer_);

  for (int n = 0; n < draw_data->CmdListsCount; ++n) {
    const ImDrawList* list = draw_data->CmdLists[n];
    const ImDrawVert* vertices = list->VtxBuffer.Data;
    const ImDrawIdx* indices = list->IdxBuffer.Data;
    for (int c = 0; c < list->CmdBuffer.Size; ++c) {
      const ImDrawCmd& cmd = list->CmdBuffer[c];
      if (cmd.UserCallback) {
        // ImDrawCallback_ResetRenderState needs nothing: we set all state per command.
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      const float x1 = (cmd.ClipRect.x - origin.x) * clip_scale.x;
      const float y1 = (cmd.ClipRect.y - origin.y) * clip_scale.y;
      const float x2 = (cmd.ClipRect.z - origin.x) * clip_scale.x;
      const float y2 = (cmd.ClipRect.w - origin.y) * clip_scale.y;
      if (x2 <= x1 || y2 <= y1 || x1 >= output_w || y1 >= output_h) continue;
      const SDL_Rect clip{static_cast<int>(x1), static_cast<int>(y1),
                          static_cast<int>(x2 - x1 + 0.5f), static_cast<int>(y2 - y1 + 0.5f)};
      SDL_RenderSetClipRect(renderer_, &clip);
      const ImDrawVert* base = vertices + cmd.VtxOffset;
      // ImDrawVert is {pos, uv, col}; col is 0xAABBGGRR, i.e. bytes R, G, B, A = SDL_Color.
      SDL_RenderGeometryRaw(
          renderer_, static_cast<SDL_Texture*>(cmd.GetTexID()),
          reinterpret_cast<const float*>(reinterpret_cast<const char*>(base) +
                                         offsetof(ImDrawVert, pos)),
          sizeof(ImDrawVert),
          reinterpret_cast<const SDL_Color*>(reinterpret_cast<const char*>(base) +
                                             offsetof(ImDrawVert, col)),
          sizeof(ImDrawVert),
          reinterpret_cast<const float*>(reinterpret_cast<const char*>(base) +
                                         offsetof(ImDrawVert, uv)),
          sizeof(ImDrawVert), list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset),
          indices + cmd.IdxOffset, static_cast<int>(cmd.ElemCount), sizeof(ImDrawIdx));
    }
  }
  SDL_RenderSetClipRect(renderer_, had_clip ? &saved_clip : nullptr);
}

}  // namespace omega::client
