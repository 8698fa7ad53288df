// Punctuation the default ImGui font (ProggyClean, Latin-1 only) lacks: "—", "–" and "…" showed
// as "?" in the party window, the travel screen and the combat log. They are drawn into the
// font atlas as custom glyphs, 7 × 13 pixels like the font's own cells.
//
// Thread safety: none; call on the render thread with the atlas ImGui uses.
#pragma once

struct ImFontAtlas;

namespace omega::client {

// Adds the default font if the atlas has none, and reserves the glyphs in it. Call before the
// atlas is built (before the first GetTexData*).
void reserve_punctuation_glyphs(ImFontAtlas& atlas);

// Paints the reserved glyphs into the atlas' RGBA32 pixels (from GetTexDataAsRGBA32, `width`
// pixels a row), before they are uploaded.
void paint_punctuation_glyphs(ImFontAtlas& atlas, unsigned char* rgba, int width);

}  // namespace omega::client
