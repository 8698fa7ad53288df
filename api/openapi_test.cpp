// docs/api/openapi.yaml against the code: every route the router serves is in the spec and the
// other way round; the enums that content defines list exactly the content's ids; and every
// operation documents the statuses that the dispatcher and the request-body reader give any
// route of its kind (the integration tests check the statuses they meet, this those they may not).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api/application.hpp"
#include "api/openapi_contract.hpp"

namespace omega::api {
namespace {

const OpenApiContract& spec() {
  static const OpenApiContract contract = OpenApiContract::load("docs/api/openapi.yaml");
  return contract;
}

std::set<std::string> content_ids(const std::string& file, const std::string& list) {
  std::ifstream stream("content/" + file);
  const auto document = nlohmann::json::parse(stream);
  std::set<std::string> ids;
  for (const auto& entry : document.at(list)) ids.insert(entry.at("id").get<std::string>());
  return ids;
}

std::set<std::string> enum_of(const std::string& schema) {
  std::set<std::string> values;
  for (const auto& value : spec().document().at("components").at("schemas").at(schema).at("enum"))
    values.insert(value.get<std::string>());
  return values;
}

// Calls `visit(name, operation)` for every operation, name like "POST /v1/characters".
template <class Visit>
void for_each_operation(Visit&& visit) {
  for (const auto& [path, item] : spec().document().at("paths").items())
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      visit(upper + " " + path, operation);
    }
}

TEST(ApiOpenApi, SpecAndRouterAgree) {
  Config config;
  config.jwt_secret = std::string(32, 'k');
  config.worker_threads = 1;
  const Application application(config);  // opens no connection
  std::set<std::string> served;
  for (const auto& route : application.router().routes())
    served.insert(std::string(method_name(route.method)) + " " + route.pattern);
  std::set<std::string> documented;
  for_each_operation(
      [&](const std::string& name, const nlohmann::json&) { documented.insert(name); });
  ASSERT_FALSE(documented.empty());
  for (const auto& operation : served)
    EXPECT_TRUE(documented.count(operation)) << "undocumented: " << operation;
  for (const auto& operation : documented)
    EXPECT_TRUE(served.count(operation)) << "not served: " << operation;
}

TEST(ApiOpenApi, LeaderboardIdsAreTheBoardsOfContent) {
  EXPECT_EQ(enum_of("LeaderboardId"), content_ids("leaderboards.json", "boards"));
}

TEST(ApiOpenApi, CharacterClassesAreTheClassesOfContent) {
  EXPECT_EQ(enum_of("CharacterClass"), content_ids("classes.json", "classes"));
}

TEST(ApiOpenApi, AuthenticatedOperationsDocument401) {
  for_each_operation([](const std::string& name, const nlohmann::json& operation) {
    bool needs_credentials = false;
    for (const auto& requirement : operation.value("security", nlohmann::json::array()))
      needs_credentials = needs_credentials || !requirement.empty();
    if (needs_credentials) {
      EXPECT_TRUE(operation.at("responses").contains("401")) << name;
    }
  });
}

TEST(ApiOpenApi, OperationsWithABodyDocumentTheBodyReadersStatuses) {
  // api/request_body.cpp: 400 invalid_json, 415 another Content-Type, 422 a missing or
  // mistyped field; api/server.cpp: 413 beyond the body limit.
  for_each_operation([](const std::string& name, const nlohmann::json& operation) {
    if (!operation.contains("requestBody")) return;
    for (const auto* status : {"400", "413", "415", "422"})
      EXPECT_TRUE(operation.at("responses").contains(status)) << name << " lacks " << status;
  });
}

TEST(ApiOpenApi, OperationsOnTheWorkerPoolDocument503) {
  // api/application.cpp answers 503 when the worker queue is full or a dependency is down;
  // only routes whose fast handler always answers (in-process caches) never reach it.
  const std::set<std::string> always_fast = {"GET /healthz", "GET /v1/content",
                                             "GET /v1/leaderboards", "GET /v1/tournaments"};
  for_each_operation([&](const std::string& name, const nlohmann::json& operation) {
    if (!always_fast.count(name)) {
      EXPECT_TRUE(operation.at("responses").contains("503")) << name;
    }
  });
}

}  // namespace
}  // namespace omega::api
