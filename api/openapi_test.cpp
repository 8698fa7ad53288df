// Every route the router serves is in docs/api/openapi.yaml, and the other way round.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api/application.hpp"

namespace omega::api {
namespace {

std::set<std::string> spec_operations(const std::string& path) {
  std::ifstream file(path);
  EXPECT_TRUE(file) << path;
  std::set<std::string> operations;
  std::string line, current_path;
  bool in_paths = false;
  while (std::getline(file, line)) {
    if (!line.empty() && line[0] != ' ') in_paths = line.rfind("paths:", 0) == 0;
    if (!in_paths) continue;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty() || line.back() != ':') continue;
    const auto key = line.substr(0, line.size() - 1);
    if (key.rfind("  /", 0) == 0 && key.find(' ', 2) == std::string::npos) {  // "  /path:"
      current_path = key.substr(2);
    } else if (key.rfind("    ", 0) == 0 && key.size() > 4 && key[4] != ' ' && !current_path.empty()) {
      std::string method = key.substr(4);  // "    get:"
      if (method != "get" && method != "post" && method != "put" && method != "patch" && method != "delete") continue;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operations.insert(method + " " + current_path);
    }
  }
  return operations;
}

TEST(ApiOpenApi, SpecAndRouterAgree) {
  Config config;
  config.jwt_secret = std::string(32, 'k');
  config.worker_threads = 1;
  const Application application(config);  // opens no connection
  std::set<std::string> served;
  for (const auto& route : application.router().routes())
    served.insert(std::string(method_name(route.method)) + " " + route.pattern);
  const auto documented = spec_operations("docs/api/openapi.yaml");
  ASSERT_FALSE(documented.empty());
  for (const auto& operation : served) EXPECT_TRUE(documented.count(operation)) << "undocumented: " << operation;
  for (const auto& operation : documented) EXPECT_TRUE(served.count(operation)) << "not served: " << operation;
}

}  // namespace
}  // namespace omega::api
