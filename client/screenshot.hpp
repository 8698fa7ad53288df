// Saving the current render target as a BMP (autoplay screenshots). Call after drawing and
// before SDL_RenderPresent. Thread safety: render thread only.
#pragma once

#include <string>

struct SDL_Renderer;

namespace omega::client {

// Returns false and sets `error` on failure.
bool save_screenshot(SDL_Renderer* renderer, const std::string& path, std::string& error);

}  // namespace omega::client
