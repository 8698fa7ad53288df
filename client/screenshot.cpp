#include "client/screenshot.hpp"

#include <SDL.h>

namespace omega::client {

bool save_screenshot(SDL_Renderer* renderer, const std::string& path, std::string& error) {
  int width = 0, height = 0;
  if (SDL_GetRendererOutputSize(renderer, &width, &height) != 0) {
    error = SDL_GetError();
    return false;
  }
  SDL_Surface* surface =
      SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!surface) {
    error = SDL_GetError();
    return false;
  }
  bool ok = SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ARGB8888, surface->pixels,
                                 surface->pitch) == 0 &&
            SDL_SaveBMP(surface, path.c_str()) == 0;
  if (!ok) error = std::string(SDL_GetError()) + " (" + path + ")";
  SDL_FreeSurface(surface);
  return ok;
}

}  // namespace omega::client
