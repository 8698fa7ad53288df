#include "api/tokens.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <set>

namespace omega::api {
namespace {

const std::string kSecret(40, 's');

std::string base64url(const std::string& text) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

TEST(ApiTokens, AccessTokenRoundTrip) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  const auto token = issuer.issue_access(42, 7);
  const auto claims = issuer.verify_access(token);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->account_id, 42);
  EXPECT_EQ(claims->token_version, 7);
}

TEST(ApiTokens, RejectsTamperingWrongKeyIssuerAndExpiry) {
  const TokenIssuer issuer(kSecret, "omega-api", std::chrono::seconds(900));
  auto token = issuer.issue_access(42, 0);
  auto tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(issuer.verify_access(tampered));
  EXPECT_FALSE(TokenIssuer(std::string(40, 'x'), "omega-api", std::chrono::seconds(900)).verify_access(token));
  EXPECT_FALSE(TokenIssuer(kSecret, "someone-else", std::chrono::seconds(900)).verify_access(token));
  const TokenIssuer expired(kSecret, "omega-api", std::chrono::seconds(-10));
  EXPECT_FALSE(issuer.verify_access(expired.issue_access(42, 0)));
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
  EXPECT_EQ(token_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
