// The admin console's static files (web/admin: index.html, app.js, style.css) served by
// omega-api at GET /admin/ and GET /admin/<file>. Only plain file names of one folder are
// served, with a Content-Type from a fixed list of extensions: nothing outside the folder,
// no sub-folders, no hidden files. Files are read at each request (the console can be edited
// without a restart); handlers run on worker threads. Thread-safe (no mutable state).
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "api/http_types.hpp"

namespace omega::api {

// True for a name such as "app.js": 1-64 characters of A-Z a-z 0-9 . _ -, not starting with a
// dot (so never "." or ".." or a hidden file). Separators and anything percent-decoded into
// something else are refused.
bool is_plain_file_name(std::string_view name);

// The Content-Type of a served file by its extension; nullopt: not served.
std::optional<std::string_view> static_content_type(std::string_view name);

// The file `name` of `folder` with its Content-Type and the console's security headers, or
// a JSON 404 for a name that is not plain, an extension not served or a missing file.
HttpResponse serve_static_file(const std::filesystem::path& folder, std::string_view name);

}  // namespace omega::api
