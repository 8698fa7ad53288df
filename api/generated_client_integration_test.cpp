// The API is usable by a client generated from docs/api/openapi.yaml: tests/api/contract/
// generated-client generates TypeScript types (openapi-typescript), type-checks a client flow
// against them (tsc) and runs it with openapi-fetch against this test's API.
#include <cstdio>
#include <string>

#include "api/integration_test_support.hpp"

namespace omega::api::testing {
namespace {

class GeneratedClient : public FreshDatabaseTest {};

// Runs `command`; returns its exit status and everything it printed.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  return {pclose(pipe), output};
}

TEST_F(GeneratedClient, RegistersLogsInCreatesListsReadsBoardsAndRefreshes) {
  const auto api = start_api();
  const auto [status, output] =
      run("tests/api/contract/generated-client http://127.0.0.1:" + std::to_string(api->port()));
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("generated client:"), std::string::npos) << output;
}

}  // namespace
}  // namespace omega::api::testing
