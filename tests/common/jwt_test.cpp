#include "common/jwt.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace tc {
namespace {

class JwtTest : public ::testing::Test {
 protected:
  static const RsaKey& key() {
    static RsaKey k = RsaKey::generate();
    return k;
  }
  nlohmann::json jwks() const { return {{"keys", nlohmann::json::array({key().public_jwk("kid-1")})}}; }
  nlohmann::json payload() const {
    return {{"iss", "https://authority.test"}, {"sub", "user-ada"}, {"exp", 2000}, {"nbf", 1000},
            {"stellaops:tenant", "tenant-alpha"}};
  }
  std::string token() const { return sign_jwt_rs256(key(), "kid-1", payload()); }

  // Decodes and returns the verification reason (the decode must succeed).
  std::string reason(const std::string& t) const {
    auto jwt = decode_jwt(t);
    EXPECT_TRUE(jwt.ok()) << (jwt.ok() ? "" : jwt.error().message);
    return jwt.ok() ? verify_jwt_signature(*jwt, jwks()) : "undecodable";
  }
};

TEST_F(JwtTest, SignDecodeVerify) {
  auto jwt = decode_jwt(token());
  ASSERT_TRUE(jwt.ok()) << jwt.error().message;
  EXPECT_EQ(jwt->header["alg"], "RS256");
  EXPECT_EQ(jwt->header["kid"], "kid-1");
  EXPECT_EQ(jwt->header["typ"], "JWT");
  EXPECT_EQ(jwt->payload, payload());
  EXPECT_EQ(jwt->signing_input, token().substr(0, token().rfind('.')));
  EXPECT_EQ(verify_jwt_signature(*jwt, jwks()), "");
}

TEST_F(JwtTest, DecodeNamesTheMalformedPart) {
  EXPECT_FALSE(decode_jwt("abc").ok());
  EXPECT_FALSE(decode_jwt("a.b.c.d").ok());
  auto bad_header = decode_jwt("%%%." + base64url_encode("{}") + ".");
  ASSERT_FALSE(bad_header.ok());
  EXPECT_NE(bad_header.error().message.find("header"), std::string::npos);
  auto bad_payload = decode_jwt(base64url_encode("{}") + "." + base64url_encode("[1]") + ".");
  ASSERT_FALSE(bad_payload.ok());
  EXPECT_NE(bad_payload.error().message.find("payload"), std::string::npos);
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  std::string t = craft_alg_none(payload());
  EXPECT_EQ(t.back(), '.');
  EXPECT_EQ(reason(t), "alg 'none' is not allowed");
}

TEST_F(JwtTest, UnknownKidIsRejectedAndKeepsSignature) {
  std::string original = token();
  std::string t = craft_unknown_kid(original);
  EXPECT_EQ(t.substr(t.rfind('.')), original.substr(original.rfind('.')));
  auto jwt = decode_jwt(t);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->payload, payload());
  std::string kid = jwt->header["kid"];
  EXPECT_NE(kid, "kid-1");
  EXPECT_EQ(reason(t), "no key with kid '" + kid + "' in the JWKS");
}

TEST_F(JwtTest, Hs256KeyedWithThePublicKeyIsRejected) {
  std::string pem = key().public_pem();
  std::string t = craft_hs256_with_key(payload(), pem);
  auto jwt = decode_jwt(t);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->header["alg"], "HS256");
  // The signature really is HMAC-SHA256 keyed with the PEM: a confused verifier would accept it.
  EXPECT_EQ(jwt->signature, hmac_sha256(pem, jwt->signing_input));
  EXPECT_EQ(reason(t), "alg 'HS256' is not allowed");
}

TEST_F(JwtTest, TamperedPayloadFailsTheSignature) {
  std::string original = token();
  std::string t = craft_tampered(original, {{"stellaops:tenant", "tenant-bravo"}});
  auto jwt = decode_jwt(t);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->payload["stellaops:tenant"], "tenant-bravo");
  EXPECT_EQ(jwt->payload["sub"], "user-ada");
  EXPECT_EQ(t.substr(t.rfind('.')), original.substr(original.rfind('.')));
  EXPECT_EQ(reason(t), "signature does not verify");
}

// A claim name or value that is not UTF-8 (a scenario may write one) is crafted with U+FFFD in its
// place, not thrown (found by fuzzing the template engine's token_tampered).
TEST_F(JwtTest, ATamperedClaimThatIsNotUtf8IsCraftedNotThrown) {
  const std::string odd = "tena\x95\x95nt";
  std::string t;
  ASSERT_NO_THROW(t = craft_tampered(token(), {{odd, "other"}}));
  auto jwt = decode_jwt(t);
  ASSERT_TRUE(jwt.ok());
  EXPECT_TRUE(jwt->payload.contains("tena\xEF\xBF\xBD\xEF\xBF\xBDnt")) << jwt->payload.dump();
  EXPECT_EQ(reason(t), "signature does not verify");
}

TEST_F(JwtTest, AnotherKeyWithTheSameKidFails) {
  RsaKey other = RsaKey::generate();
  EXPECT_EQ(reason(sign_jwt_rs256(other, "kid-1", payload())), "signature does not verify");
}

TEST_F(JwtTest, TimeClaimsWithLeeway) {
  auto p = payload();  // nbf 1000, exp 2000
  EXPECT_EQ(check_time_claims(p, 1500, 60), "");
  EXPECT_EQ(check_time_claims(p, 2060, 60), "");        // at the edge of the leeway
  EXPECT_NE(check_time_claims(p, 2061, 60), "");        // past it
  EXPECT_NE(check_time_claims(p, 2061, 60).find("expired"), std::string::npos);
  EXPECT_EQ(check_time_claims(p, 940, 60), "");
  EXPECT_NE(check_time_claims(p, 939, 60).find("not valid before"), std::string::npos);
  p.erase("nbf");
  EXPECT_EQ(check_time_claims(p, 0, 0), "");
  p.erase("exp");
  EXPECT_NE(check_time_claims(p, 0, 0), "");
  EXPECT_NE(check_time_claims({{"exp", "soon"}}, 0, 0), "");
}

}  // namespace
}  // namespace tc
