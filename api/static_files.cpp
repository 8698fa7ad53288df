#include "api/static_files.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <utility>

namespace omega::api {

namespace {

// The console's files are a few tens of kilobytes; a file much larger than this is not one of
// them, and a worker thread should not read it into memory.
constexpr std::uintmax_t kMaxStaticFileBytes = 2 * 1024 * 1024;
constexpr std::size_t kMaxFileNameBytes = 64;

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "application/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
}};

// The console talks only to its own origin and runs no inline code: an injected string cannot
// become script, and no other site can frame the console to click its buttons.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

HttpResponse not_found() {
  return error_response(404, "not_found", "no such file");
}

}  // namespace

bool is_plain_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFileNameBytes || name.front() == '.') return false;
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::optional<std::string_view> static_content_type(std::string_view name) {
  for (const auto& [extension, type] : kContentTypes)
    if (name.size() > extension.size() && name.substr(name.size() - extension.size()) == extension)
      return type;
  return std::nullopt;
}

HttpResponse serve_static_file(const std::filesystem::path& folder, std::string_view name) {
  if (!is_plain_file_name(name)) return not_found();
  const auto type = static_content_type(name);
  if (!type) return not_found();
  const auto path = folder / std::string(name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error) ||
      std::filesystem::file_size(path, error) > kMaxStaticFileBytes || error)
    return not_found();
  std::ifstream file(path, std::ios::binary);
  if (!file) return not_found();
  HttpResponse response;
  response.content_type = std::string(*type);
  response.body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  // Revalidated at each load: a new console reaches staff at their next reload.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace omega::api
