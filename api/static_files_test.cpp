#include "api/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace omega::api {
namespace {

TEST(ApiStaticFiles, OnlyPlainFileNamesAreServed) {
  EXPECT_TRUE(is_plain_file_name("index.html"));
  EXPECT_TRUE(is_plain_file_name("app.js"));
  EXPECT_TRUE(is_plain_file_name("style-2_dark.css"));
  EXPECT_FALSE(is_plain_file_name(""));
  EXPECT_FALSE(is_plain_file_name("."));
  EXPECT_FALSE(is_plain_file_name(".."));
  EXPECT_FALSE(is_plain_file_name(".env"));
  EXPECT_FALSE(is_plain_file_name("../x"));
  EXPECT_FALSE(is_plain_file_name("..\\x"));
  EXPECT_FALSE(is_plain_file_name("a/b.js"));
  EXPECT_FALSE(is_plain_file_name("/etc/passwd"));
  EXPECT_FALSE(is_plain_file_name("app.js%00"));
  EXPECT_FALSE(is_plain_file_name(std::string_view("app.js\0.html", 12)));
  EXPECT_FALSE(is_plain_file_name("C:app.js"));
  EXPECT_FALSE(is_plain_file_name(std::string(65, 'a')));
}

TEST(ApiStaticFiles, TheContentTypeComesFromTheExtension) {
  EXPECT_EQ(static_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(static_content_type("app.js"), "application/javascript; charset=utf-8");
  EXPECT_EQ(static_content_type("style.css"), "text/css; charset=utf-8");
  EXPECT_FALSE(static_content_type("config.toml"));
  EXPECT_FALSE(static_content_type("js"));
  EXPECT_FALSE(static_content_type(".js"));
}

TEST(ApiStaticFiles, ServesAFileOfTheFolderAndNothingElse) {
  const auto folder = std::filesystem::temp_directory_path() / "omega_static_files_test";
  std::filesystem::create_directories(folder / "sub.js");
  std::ofstream(folder / "app.js") << "let x = 1;\n";
  std::ofstream(folder / "secret.toml") << "jwt_secret = 'k'\n";
  const auto served = serve_static_file(folder, "app.js");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.body, "let x = 1;\n");
  EXPECT_EQ(served.content_type, "application/javascript; charset=utf-8");
  EXPECT_EQ(serve_static_file(folder, "secret.toml").status, 404);
  EXPECT_EQ(serve_static_file(folder, "missing.js").status, 404);
  EXPECT_EQ(serve_static_file(folder, "sub.js").status, 404) << "a folder is not a file";
  EXPECT_EQ(serve_static_file(folder / "sub.js", "../app.js").status, 404);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace omega::api
