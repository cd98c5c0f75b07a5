#include "common/redact.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"

namespace tc {
namespace {

bool redacted(const std::string& out) { return out.find(kRedacted) != std::string::npos; }

TEST(Redact, RegisteredSecretsAreMaskedLongestFirst) {
  Redactor r;
  r.add_secret("svc-alpha-fixture-secret");
  r.add_secret("alpha");  // a part of the longer one
  r.add_secret("pw");     // too short: ignored
  std::string out = r.apply("id=svc-alpha-fixture-secret and alpha, pw stays");
  EXPECT_EQ(out, "id=" + std::string(kRedacted) + " and " + std::string(kRedacted) + ", pw stays");
}

TEST(Redact, BearerAndBasicCredentials) {
  Redactor r;
  std::string basic = base64_encode("svc-alpha:s3cr3t-value");
  std::string out = r.apply("Authorization: Bearer opaque-token-123456\nauthorization: basic " + basic + "\n");
  EXPECT_EQ(out.find("opaque-token-123456"), std::string::npos);
  EXPECT_EQ(out.find(basic), std::string::npos);
  EXPECT_NE(out.find("Bearer " + std::string(kRedacted)), std::string::npos);
  EXPECT_NE(out.find("basic " + std::string(kRedacted)), std::string::npos);
}

TEST(Redact, ChallengeParametersStayReadable) {
  Redactor r;
  std::string challenge = "WWW-Authenticate: Bearer error=\"invalid_token\"";
  EXPECT_EQ(r.apply(challenge), challenge);
  EXPECT_EQ(r.apply("WWW-Authenticate: Bearer"), "WWW-Authenticate: Bearer");
}

TEST(Redact, AnythingShapedLikeAJwt) {
  Redactor r;
  std::string header = base64url_encode(R"({"alg":"RS256","kid":"k"})");
  std::string jwt = header + "." + base64url_encode(R"({"sub":"user-ada"})") + "." + base64url_encode(random_bytes(64));
  std::string out = r.apply("token in a body: {\"x\":\"" + jwt + "\"} and alone " + jwt);
  EXPECT_EQ(out.find(jwt), std::string::npos);
  EXPECT_EQ(out.find(header), std::string::npos);
  std::string none = header + "." + base64url_encode("{}") + ".";  // alg none: empty signature
  EXPECT_EQ(r.apply(none), std::string(kRedacted));
  // A token cut short in a message ("actual …" of a capture) still shows neither header nor payload.
  const std::string cut = jwt.substr(0, header.size() + 12);
  EXPECT_EQ(r.apply("actual \"" + cut + "\xE2\x80\xA6\""), "actual \"" + std::string(kRedacted) + "\xE2\x80\xA6\"");
}

TEST(Redact, CookieHeaderLines) {
  Redactor r;
  std::string out = r.apply("> Cookie: session=abc123; theme=dark\n< Set-Cookie: session=xyz789; HttpOnly\nVary: Cookie\n");
  EXPECT_EQ(out.find("abc123"), std::string::npos);
  EXPECT_EQ(out.find("xyz789"), std::string::npos);
  EXPECT_NE(out.find("Vary: Cookie"), std::string::npos);
}

TEST(Redact, FormAndQueryFields) {
  Redactor r;
  const char* names[] = {"password", "client_secret", "refresh_token", "access_token", "code_verifier",
                         "token",    "id_token",      "assertion"};
  for (const char* name : names) {
    std::string out = r.apply(std::string("grant_type=x&") + name + "=planted-value-1&scope=openid");
    EXPECT_EQ(out.find("planted-value-1"), std::string::npos) << name;
    EXPECT_NE(out.find("grant_type=x&"), std::string::npos) << name;
    EXPECT_NE(out.find("&scope=openid"), std::string::npos) << name;
  }
  std::string url = r.apply("GET /cb?code=ok&code_verifier=planted-verifier HTTP/1.1");
  EXPECT_EQ(url.find("planted-verifier"), std::string::npos);
  EXPECT_NE(url.find("code=ok"), std::string::npos);
}

TEST(Redact, JsonSecretFields) {
  Redactor r;
  const char* keys[] = {"password", "client_secret", "secret", "access_token", "refresh_token", "id_token", "token"};
  for (const char* key : keys) {
    std::string out = r.apply(std::string("{\"user\":\"ada\", \"") + key + "\" : \"planted \\\"quoted\\\" value\"}");
    EXPECT_EQ(out.find("planted"), std::string::npos) << key;
    EXPECT_EQ(out.find("quoted"), std::string::npos) << key;
    EXPECT_NE(out.find("\"user\":\"ada\""), std::string::npos) << key;
    EXPECT_TRUE(redacted(out)) << key;
  }
  EXPECT_EQ(r.apply(R"({"token_type":"Bearer","expires_in":900})"), R"({"token_type":"Bearer","expires_in":900})");
}

TEST(Redact, GlobalRedactorIsOneInstance) {
  EXPECT_EQ(&global_redactor(), &global_redactor());
  global_redactor().add_secret("global-planted-secret");
  EXPECT_TRUE(redacted(global_redactor().apply("x global-planted-secret y")));
}

}  // namespace
}  // namespace tc
