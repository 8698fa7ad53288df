#include "api/tokens.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <jwt/jwt.hpp>
#include <set>

namespace omega::api {
namespace {

const std::string kSecret(40, 's');
const std::string kSession = "0b6e2a1c-7d3e-4f6a-9b1c-2d3e4f5a6b7c";

// A token signed with our key and issuer carrying these claims (besides iss and exp): what
// a leaked key or a bug elsewhere could produce; verification must still read it strictly.
std::string signed_token(const nlohmann::json& claims) {
  jwt::jwt_object token{jwt::params::algorithm("HS256"), jwt::params::secret(kSecret)};
  token.add_claim("iss", "omega-api")
      .add_claim("exp", std::chrono::system_clock::now() + std::chrono::minutes(5));
  for (const auto& [name, value] : claims.items()) {
    if (value.is_string())
      token.add_claim(name, value.get<std::string>());
    else
      token.add_claim(name, value.get<std::int64_t>());
  }
  return token.signature();
}

std::string base64url(const std::string& text) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

TEST(ApiTokens, AccessTokenRoundTrip) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  const auto token = issuer.issue_access(42, 7, "0b6e2a1c-7d3e-4f6a-9b1c-2d3e4f5a6b7c");
  const auto claims = issuer.verify_access(token);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->account_id, 42);
  EXPECT_EQ(claims->token_version, 7);
  EXPECT_EQ(claims->session_id, "0b6e2a1c-7d3e-4f6a-9b1c-2d3e4f5a6b7c");
}

TEST(ApiTokens, SubjectIsParsedStrictly) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  ASSERT_TRUE(issuer.verify_access(signed_token({{"sub", "1"}, {"tv", 0}})));
  EXPECT_EQ(
      issuer.verify_access(signed_token({{"sub", "9223372036854775807"}, {"tv", 0}}))->account_id,
      INT64_MAX);
  for (const std::string sub :
       {"1 OR 1=1", "1x", " 1", "1 ", "+1", "-1", "0", "01", "", "1.0", "1e3",
        "9223372036854775808", "99999999999999999999", "\xd9\xa1" /* Arabic-Indic one */})
    EXPECT_FALSE(issuer.verify_access(signed_token({{"sub", sub}, {"tv", 0}})))
        << "sub '" << sub << "'";
  EXPECT_FALSE(issuer.verify_access(signed_token({{"sub", 1}, {"tv", 0}})))
      << "a number, not a string";
}

TEST(ApiTokens, SessionIdIsOptionalButStrict) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  EXPECT_EQ(issuer.verify_access(signed_token({{"sub", "5"}, {"tv", 0}}))->session_id, "")
      << "older tokens";
  EXPECT_EQ(
      issuer.verify_access(signed_token({{"sub", "5"}, {"tv", 0}, {"sid", kSession}}))->session_id,
      kSession);
  EXPECT_FALSE(issuer.verify_access(signed_token({{"sub", "5"}, {"tv", 0}, {"sid", ""}})));
  EXPECT_FALSE(issuer.verify_access(signed_token({{"sub", "5"}, {"tv", 0}, {"sid", "X' OR 1=1"}})));
  EXPECT_FALSE(issuer.verify_access(signed_token({{"sub", "5"}, {"tv", 0}, {"sid", 7}})));
}

TEST(ApiTokens, RejectsTamperingWrongKeyIssuerAndExpiry) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  auto token = issuer.issue_access(42, 0, kSession);
  auto tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(issuer.verify_access(tampered));
  EXPECT_FALSE(TokenIssuer(std::string(40, 'x'), "omega-api", std::chrono::seconds(900))
                   .verify_access(token));
  EXPECT_FALSE(
      TokenIssuer(kSecret, "someone-else", std::chrono::seconds(900)).verify_access(token));
  const TokenIssuer expired(kSecret, "omega-api", std::chrono::seconds(-10));
  EXPECT_FALSE(issuer.verify_access(expired.issue_access(42, 0, kSession)));
  EXPECT_FALSE(issuer.verify_access(""));
  EXPECT_FALSE(issuer.verify_access("a.b.c"));
  EXPECT_FALSE(issuer.verify_access(std::string(5000, 'a')));
}

TEST(ApiTokens, RejectsAlgNone) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  const auto header = base64url(R"({"alg":"none","typ":"JWT"})");
  const auto payload = base64url(R"({"iss":"omega-api","sub":"1","tv":0,"exp":9999999999})");
  EXPECT_FALSE(issuer.verify_access(header + "." + payload + "."));
  EXPECT_FALSE(issuer.verify_access(header + "." + payload + ".sig"));
}

TEST(ApiTokens, RefreshTokensAreRandomAndStoredAsDigests) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto token = new_refresh_token();
    EXPECT_EQ(token.size(), 43u);
    EXPECT_TRUE(seen.insert(token).second);
  }
  EXPECT_EQ(token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiTokens, BearerHeaderParsingAndCredentialComparison) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_FALSE(bearer_token("Basic abc"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_TRUE(credentials_equal("secret", "secret"));
  EXPECT_FALSE(credentials_equal("secret", "secreT"));
  EXPECT_FALSE(credentials_equal("secret", "secret2"));
}

}  // namespace
}  // namespace omega::api
