#include "client/font_glyphs.hpp"

#include <imgui.h>

#include <cstring>

namespace omega::client {

namespace {

constexpr int kCellWidth = 7;    // ProggyClean's advance
constexpr int kCellHeight = 13;  // and line height

struct Pattern {
  ImWchar code_point;
  const char* rows[kCellHeight];  // '#' = ink, from the top of the line
};

// Rows 7 and 10 are where ProggyClean puts its hyphen and its full stop.
constexpr Pattern kPatterns[] = {
    {0x2014,  // — em dash: the whole cell, so that two join
     {".......", ".......", ".......", ".......", ".......", ".......", ".......", "#######",
      ".......", ".......", ".......", ".......", "......."}},
    {0x2013,  // – en dash
     {".......", ".......", ".......", ".......", ".......", ".......", ".......", ".#####.",
      ".......", ".......", ".......", ".......", "......."}},
    {0x2026,  // … ellipsis
     {".......", ".......", ".......", ".......", ".......", ".......", ".......", ".......",
      ".......", ".......", "#.#.#..", ".......", "......."}},
};

const Pattern* pattern_of(unsigned int code_point) {
  for (const Pattern& pattern : kPatterns)
    if (pattern.code_point == code_point) return &pattern;
  return nullptr;
}

}  // namespace

void reserve_punctuation_glyphs(ImFontAtlas& atlas) {
  ImFont* font = atlas.Fonts.empty() ? atlas.AddFontDefault() : atlas.Fonts[0];
  for (const Pattern& pattern : kPatterns)
    atlas.AddCustomRectFontGlyph(font, pattern.code_point, kCellWidth, kCellHeight,
                                 static_cast<float>(kCellWidth));
}

void paint_punctuation_glyphs(ImFontAtlas& atlas, unsigned char* rgba, int width) {
  for (const ImFontAtlasCustomRect& rect : atlas.CustomRects) {
    const Pattern* pattern = pattern_of(rect.GlyphID);
    if (pattern == nullptr || rect.Width != kCellWidth || rect.Height != kCellHeight) continue;
    for (int y = 0; y < kCellHeight; ++y)
      for (int x = 0; x < kCellWidth; ++x) {
        unsigned char* pixel = rgba + ((rect.Y + y) * width + rect.X + x) * 4;
        const unsigned char ink = pattern->rows[y][x] == '#' ? 255 : 0;
        pixel[0] = pixel[1] = pixel[2] = 255;  // the atlas is white; alpha is the ink
        pixel[3] = ink;
      }
  }
}

}  // namespace omega::client
