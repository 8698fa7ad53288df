// omega-client: the Omega Realm desktop client (SDL2 + Dear ImGui). See README.md "Playing" and
// docs/OPERATIONS.md (## omega-client).
#include <SDL.h>
#include <imgui.h>
#include <backends/imgui_impl_sdl.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "client/app.hpp"
#include "client/autoplay_runner.hpp"
#include "client/command_line.hpp"
#include "client/imgui_sdl_renderer.hpp"
#include "client/screenshot.hpp"

namespace {

// The render loop sleeps to this rate: smooth on a desktop, and it keeps the software renderer
// from taking a whole core on a shared test machine.
constexpr double kTargetFps = 60.0;
// An autoplay run never outlives this: a stuck step fails the run instead of hanging CI.
constexpr double kAutoplayHardLimitSeconds = 600.0;

double seconds_now() {
  return static_cast<double>(SDL_GetPerformanceCounter()) /
         static_cast<double>(SDL_GetPerformanceFrequency());
}

int run(const omega::client::ClientOptions& options) {
  using namespace omega::client;
  std::optional<AutoplayRunner> autoplay;
  if (!options.autoplay_script.empty()) {
    auto script = load_autoplay_script(options.autoplay_script);
    if (!script.ok()) {
      std::fprintf(stderr, "omega-client: %s\n", script.error.c_str());
      return 2;
    }
    autoplay.emplace(std::move(script.steps));
    std::error_code ec;
    std::filesystem::create_directories(options.screenshot_dir, ec);
  }

  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    std::fprintf(stderr, "omega-client: SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
  SDL_SetHint(SDL_HINT_IME_SHOW_UI, "1");
  SDL_Window* window =
      SDL_CreateWindow("Omega Realm", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, options.width,
                       options.height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!window) {
    std::fprintf(stderr, "omega-client: SDL_CreateWindow: %s\n", SDL_GetError());
    SDL_Quit();
    return 1;
  }
  SDL_Renderer* renderer = nullptr;
  if (!options.software_renderer)
    renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (!renderer) renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
  if (!renderer) {
    std::fprintf(stderr, "omega-client: SDL_CreateRenderer: %s\n", SDL_GetError());
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 1;
  }
  SDL_RendererInfo info;
  SDL_GetRendererInfo(renderer, &info);
  std::fprintf(stderr, "omega-client: video driver %s, renderer %s\n", SDL_GetCurrentVideoDriver(),
               info.name);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename =
      nullptr;  // layouts are fixed; write no imgui.ini next to the user's files
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 4.0f;
  ImGui::GetStyle().FrameRounding = 3.0f;
  ImGui_ImplSDL2_InitForSDLRenderer(window);
  int exit_code = 0;
  {
    ImGuiSdlRenderer imgui_renderer(renderer);
    App app(renderer, options);
    const double started = seconds_now();
    while (!app.quit_requested()) {
      const double frame_start = seconds_now();
      SDL_Event event;
      while (SDL_PollEvent(&event)) {
        ImGui_ImplSDL2_ProcessEvent(&event);
        app.handle_event(event);
      }
      if (autoplay) autoplay->update(app, frame_start);
      imgui_renderer.new_frame();
      ImGui_ImplSDL2_NewFrame();
      ImGui::NewFrame();
      app.frame(frame_start);
      ImGui::Render();
      SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255);
      SDL_RenderClear(renderer);
      imgui_renderer.render(ImGui::GetDrawData());
      if (autoplay) {
        if (auto name = autoplay->screenshot_wanted()) {
          const std::string path = (std::filesystem::path(options.screenshot_dir) / *name).string();
          std::string error;
          if (save_screenshot(renderer, path, error)) {
            std::fprintf(stderr, "autoplay: saved %s\n", path.c_str());
            autoplay->screenshot_taken();
          } else {
            autoplay->screenshot_failed("screenshot: " + error);
          }
        }
        if (frame_start - started > kAutoplayHardLimitSeconds)
          autoplay->screenshot_failed("the run took too long");
        if (autoplay->finished()) break;
      }
      SDL_RenderPresent(renderer);
      const double spent = seconds_now() - frame_start;
      if (spent < 1.0 / kTargetFps)
        SDL_Delay(static_cast<Uint32>((1.0 / kTargetFps - spent) * 1000.0));
    }
    if (autoplay) {
      if (autoplay->failed()) {
        std::fprintf(stderr, "omega-client: autoplay failed: %s\n", autoplay->error().c_str());
        exit_code = 1;
      } else {
        std::fprintf(stderr, "omega-client: autoplay finished\n");
      }
    }
    app.leave_world();
  }
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_DestroyRenderer(renderer);
  SDL_DestroyWindow(window);
  SDL_Quit();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto outcome = omega::client::parse_command_line(args);
  if (!outcome.options) {
    std::fprintf(outcome.exit_code ? stderr : stdout, "%s", outcome.message.c_str());
    return outcome.exit_code;
  }
  return run(*outcome.options);
}
