#include "common/setting_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include <unistd.h>

namespace omega::common {
namespace {

struct TempFile {
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/omega-setting-XXXXXX";
    const int fd = mkstemp(name);
    path = name;
    std::ofstream(path, std::ios::binary) << text;
    ::close(fd);
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

auto env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SettingFile, ReadsTheFileWithoutItsTrailingLineBreak) {
  TempFile secret("s3cret with spaces\r\n");
  std::string error;
  EXPECT_EQ(read_setting_file(secret.path, error), "s3cret with spaces");
  TempFile two_lines("first\nsecond\n");
  EXPECT_EQ(read_setting_file(two_lines.path, error), "first\nsecond");
  EXPECT_FALSE(read_setting_file("/nonexistent/secret", error));
  EXPECT_NE(error.find("/nonexistent/secret"), std::string::npos);
  TempFile huge(std::string(kMaxSettingFileBytes + 1, 'x'));
  EXPECT_FALSE(read_setting_file(huge.path, error));
}

TEST(SettingFile, TakesTheVariableOrItsFileButNotBoth) {
  TempFile secret("from-file\n");
  std::string error;
  EXPECT_EQ(setting_from_environment("X", env_of({{"X", "plain"}}), error), "plain");
  EXPECT_EQ(setting_from_environment("X", env_of({{"X_FILE", secret.path}}), error), "from-file");
  EXPECT_FALSE(setting_from_environment("X", env_of({}), error));
  EXPECT_TRUE(error.empty());
  EXPECT_FALSE(setting_from_environment("X", env_of({{"X", "a"}, {"X_FILE", secret.path}}), error));
  EXPECT_NE(error.find("both"), std::string::npos);
  error.clear();
  EXPECT_FALSE(setting_from_environment("X", env_of({{"X_FILE", "/nonexistent"}}), error));
  EXPECT_NE(error.find("X_FILE"), std::string::npos);
}

}  // namespace
}  // namespace omega::common
