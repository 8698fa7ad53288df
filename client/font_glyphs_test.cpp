#include "client/font_glyphs.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

namespace omega::client {
namespace {

// Ink (alpha) under a glyph's rectangle of the atlas texture.
int ink_of(const ImFontGlyph& glyph, const unsigned char* rgba, int width, int height) {
  int ink = 0;
  for (int y = static_cast<int>(glyph.V0 * height); y < static_cast<int>(glyph.V1 * height); ++y)
    for (int x = static_cast<int>(glyph.U0 * width); x < static_cast<int>(glyph.U1 * width); ++x)
      ink += rgba[(y * width + x) * 4 + 3] > 0;
  return ink;
}

TEST(FontGlyphs, TheDefaultFontGainsDashesAndTheEllipsis) {
  ImGuiContext* plain = ImGui::CreateContext();
  ImGui::GetIO().Fonts->AddFontDefault();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  EXPECT_EQ(ImGui::GetIO().Fonts->Fonts[0]->FindGlyphNoFallback(0x2014), nullptr)
      << "ProggyClean has an em dash after all";
  ImGui::DestroyContext(plain);

  ImGuiContext* context = ImGui::CreateContext();
  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  reserve_punctuation_glyphs(atlas);
  atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
  paint_punctuation_glyphs(atlas, pixels, width);
  const ImFont& font = *atlas.Fonts[0];
  const int a_ink = ink_of(*font.FindGlyphNoFallback('a'), pixels, width, height);
  EXPECT_GT(a_ink, 0);
  for (const ImWchar code_point : {ImWchar{0x2014}, ImWchar{0x2013}, ImWchar{0x2026}}) {
    const ImFontGlyph* glyph = font.FindGlyphNoFallback(code_point);
    ASSERT_NE(glyph, nullptr) << code_point;
    EXPECT_EQ(glyph->AdvanceX, 7.0f) << "as wide as the font's other characters";
    EXPECT_GE(ink_of(*glyph, pixels, width, height), 3) << code_point;
  }
  const ImFontGlyph& em = *font.FindGlyphNoFallback(0x2014);
  EXPECT_EQ(ink_of(em, pixels, width, height), 7) << "one row, the whole cell";
  ImGui::DestroyContext(context);
}

}  // namespace
}  // namespace omega::client
