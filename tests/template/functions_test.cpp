// Every template function, evaluated through render() as scenarios use them.
#include <chrono>
#include <memory>
#include <regex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/jwt.h"
#include "harness/template/functions.h"
#include "harness/template/template.h"

namespace tc {
namespace {

using ::testing::HasSubstr;

class FunctionsTest : public ::testing::Test {
 protected:
  json ok(const std::string& text) {
    auto r = render(json(text), scope, loc, ctx);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? *r : json();
  }
  std::string fails(const std::string& text) {
    auto r = render(json(text), scope, loc, ctx);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().message;
  }
  Scope scope;
  Loc loc{"f.yaml", 2, "/x"};
  TemplateContext ctx;
};

TEST_F(FunctionsTest, UuidIsAVersion4Uuid) {
  std::string u = ok("{{uuid()}}").get<std::string>();
  EXPECT_TRUE(std::regex_match(u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << u;
  EXPECT_NE(u, ok("{{uuid()}}").get<std::string>());
}

TEST_F(FunctionsTest, RandomGivesNUrlSafeCharacters) {
  std::string r = ok("{{ random(12) }}").get<std::string>();
  EXPECT_EQ(r.size(), 12u);
  EXPECT_TRUE(std::regex_match(r, std::regex("[A-Za-z0-9_-]{12}"))) << r;
  EXPECT_THAT(fails("{{ random(0) }}"), HasSubstr("random(n) needs an integer"));
  EXPECT_THAT(fails("{{ random('x') }}"), HasSubstr("random(n) needs an integer"));
}

TEST_F(FunctionsTest, NowIsUnixSecondsWithAnOptionalOffset) {
  long long t = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  json now = ok("{{now()}}");
  ASSERT_TRUE(now.is_number_integer());
  EXPECT_NEAR(now.get<long long>(), t, 5);
  EXPECT_NEAR(ok("{{ now(-60) }}").get<long long>(), t - 60, 5);
  EXPECT_NEAR(ok("{{ now(+3600) }}").get<long long>(), t + 3600, 5);
  EXPECT_EQ(ok("exp={{ now(0) }}").get<std::string>().substr(0, 4), "exp=");
}

TEST_F(FunctionsTest, Sha256IsHexAndBase64urlHasNoPadding) {
  EXPECT_EQ(ok("{{ sha256('abc') }}"), json("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  // RFC 4231, test case 2.
  EXPECT_EQ(ok("{{ hmac_sha256('Jefe', 'what do ya want for nothing?') }}"),
            json("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  EXPECT_EQ(ok("{{ base64url(\"hi?>\") }}"), json("aGk_Pg"));
  scope.set("n", 5);
  EXPECT_EQ(ok("{{ base64url(n) }}"), json("NQ"));
}

TEST_F(FunctionsTest, PkceGivesAVerifierAndItsS256Challenge) {
  scope.set("pk", ok("{{pkce()}}"));
  std::string verifier = ok("{{pk.verifier}}").get<std::string>();
  EXPECT_GE(verifier.size(), 43u);
  EXPECT_LE(verifier.size(), 128u);
  EXPECT_EQ(ok("{{pk.challenge}}"), json(base64url_encode(sha256(verifier))));
}

TEST_F(FunctionsTest, LowerAndUpperMapAsciiCase) {
  EXPECT_EQ(ok("{{ lower('X-StellaOps-Tenant') }}"), json("x-stellaops-tenant"));
  EXPECT_EQ(ok("{{ upper('get') }}"), json("GET"));
}

TEST_F(FunctionsTest, CaselessIsARegexOfTheTextInAnyLetterCase) {
  EXPECT_EQ(ok("{{ caseless('Bearer') }}"), json("[Bb][Ee][Aa][Rr][Ee][Rr]"));
  EXPECT_EQ(ok("{{ caseless('a.b+c (1)') }}"), json("[Aa]\\.[Bb]\\+[Cc] \\(1\\)"));
  const std::regex re("^" + ok("{{ caseless('Bearer') }}").get<std::string>() + " ");
  for (const char* yes : {"Bearer x", "bearer x", "BEARER x"}) EXPECT_TRUE(std::regex_search(yes, re)) << yes;
  for (const char* no : {"Bearerx", "Basic x", "Bear x"}) EXPECT_FALSE(std::regex_search(no, re)) << no;
  const std::regex dot(ok("{{ caseless('a.b') }}").get<std::string>());
  EXPECT_FALSE(std::regex_search("axb", dot));
}

TEST_F(FunctionsTest, RegexEscapeMatchesTheTextExactly) {
  const std::string uri = "https://c.test/cb?x=(1)+[2]";
  scope.set("uri", uri);
  EXPECT_EQ(ok("{{regex_escape('a.b+c')}}"), json("a\\.b\\+c"));
  const std::regex re("^" + ok("{{regex_escape(uri)}}").get<std::string>() + "$");
  EXPECT_TRUE(std::regex_search(uri, re));
  for (const char* no : {"https://c.test/CB?x=(1)+[2]", "https://cxtest/cb?x=(1)+[2]", "https://c.test/cb?x=(1)[2]"})
    EXPECT_FALSE(std::regex_search(no, re)) << no;
}

TEST_F(FunctionsTest, UrlDecodeUndoesUrlEncode) {
  EXPECT_EQ(ok("{{url_decode('a%2Fb+c%3D')}}"), json("a/b c="));
  EXPECT_EQ(ok("{{url_decode(url_encode('x y/&=z'))}}"), json("x y/&=z"));
}

TEST_F(FunctionsTest, PointerEscapesEachKey) {
  EXPECT_EQ(ok("{{pointer('stellaops:tenant')}}"), json("/stellaops:tenant"));
  EXPECT_EQ(ok("{{pointer('https://x.test/tenant', 'a~b', 0)}}"), json("/https:~1~1x.test~1tenant/a~0b/0"));
}

TEST_F(FunctionsTest, LengthCountsEntriesKeysOrBytes) {
  scope.set("body", json{{"error", "not_found"}, {"error_description", "x"}, {"correlation_id", "c"}});
  scope.set("list", json::array({1, 2}));
  EXPECT_EQ(ok("{{length(body)}}"), json(3));
  EXPECT_EQ(ok("{{length(list)}}"), json(2));
  EXPECT_EQ(ok("{{length('caf\u00e9')}}"), json(5));
  EXPECT_THAT(fails("{{length(7)}}"), HasSubstr("length(x) of number 7: a list, a map or a string"));
}

TEST_F(FunctionsTest, PathFillsARouteInOrderAndEncodesEachValue) {
  scope.set("route", "/orgs/{org}/records/{recordId}");
  EXPECT_EQ(ok("{{ path(route, 'north-wind', 'rec 1/2') }}"), json("/orgs/north-wind/records/rec%201%2F2"));
  EXPECT_EQ(ok("{{ path('/gw/health') }}"), json("/gw/health"));
  EXPECT_THAT(fails("{{ path(route, 'only-one') }}"), HasSubstr("more placeholders than the 1 value(s) given"));
  EXPECT_THAT(fails("{{ path('/a/{id}', 'x', 'y') }}"), HasSubstr("has 1 placeholder(s), 2 value(s) given"));
  EXPECT_THAT(fails("{{ path('/a/{id', 'x') }}"), HasSubstr("unclosed '{'"));
}

TEST_F(FunctionsTest, BasicAndJson) {
  EXPECT_EQ(ok("{{ basic_credentials('ada', 'pw') }}"), json("YWRhOnB3"));
  scope.set("obj", json{{"a", 1}});
  EXPECT_EQ(ok("{{ json(obj) }}"), json("{\"a\":1}"));
  EXPECT_EQ(ok("{{ json('x') }}"), json("\"x\""));
}

class TokenFunctionsTest : public FunctionsTest {
 protected:
  void SetUp() override {
    payload = {{"sub", "user-ada"}, {"stellaops:tenant", "tenant-alpha"}, {"exp", 4102444800}};
    token = sign_jwt_rs256(key, "k1", payload);
    scope.set("token", token);
    scope.set("jwks_url", "http://authority/jwks");
  }
  // Key generation is slow: one pair for the whole suite.
  static void SetUpTestSuite() {
    key_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
    other_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
  }
  static void TearDownTestSuite() {
    key_.reset();
    other_.reset();
  }
  static inline std::unique_ptr<RsaKey> key_, other_;
  const RsaKey& key = *key_;
  const RsaKey& other = *other_;
  json payload;
  std::string token;
};

TEST_F(TokenFunctionsTest, AlgNoneKeepsThePayloadWithoutSignature) {
  auto jwt = decode_jwt(ok("{{ token_alg_none(token) }}").get<std::string>());
  ASSERT_TRUE(jwt.ok()) << jwt.error().message;
  EXPECT_EQ(jwt->header["alg"], "none");
  EXPECT_EQ(jwt->payload, payload);
  EXPECT_TRUE(jwt->signature.empty());
}

TEST_F(TokenFunctionsTest, UnknownKidChangesTheKidOnly) {
  std::string crafted = ok("{{ token_unknown_kid(token) }}").get<std::string>();
  auto jwt = decode_jwt(crafted);
  ASSERT_TRUE(jwt.ok());
  EXPECT_NE(jwt->header.value("kid", ""), "k1");
  EXPECT_EQ(jwt->payload, payload);
  json jwks = {{"keys", {key.public_jwk("k1")}}};
  EXPECT_NE(verify_jwt_signature(*jwt, jwks), "");
}

TEST_F(TokenFunctionsTest, TamperedChangesOneClaimAndKeepsTheSignature) {
  auto orig = decode_jwt(token);
  auto jwt = decode_jwt(ok("{{ token_tampered(token, 'stellaops:tenant', 'tenant-bravo') }}").get<std::string>());
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->payload["stellaops:tenant"], "tenant-bravo");
  EXPECT_EQ(jwt->payload["sub"], "user-ada");
  EXPECT_EQ(jwt->signature, orig->signature);
}

TEST_F(TokenFunctionsTest, Hs256PublicSignsWithThePemOfTheKidsKey) {
  json k1 = key.public_jwk("k1");
  json k0 = other.public_jwk("k0");
  std::string fetched;
  ctx.fetch_json = [&](const std::string& url) -> Result<json> {
    fetched = url;
    return json{{"keys", {json{{"kty", "EC"}, {"kid", "ec"}}, k0, k1}}};
  };
  auto jwt = decode_jwt(ok("{{ token_hs256_public(token, jwks_url) }}").get<std::string>());
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(fetched, "http://authority/jwks");
  EXPECT_EQ(jwt->header["alg"], "HS256");
  EXPECT_EQ(jwt->payload, payload);
  auto pem = jwk_to_pem(k1);
  ASSERT_TRUE(pem.has_value());
  EXPECT_EQ(jwt->signature, hmac_sha256(*pem, jwt->signing_input));
}

TEST_F(TokenFunctionsTest, Hs256PublicFallsBackToTheFirstRsaKey) {
  json k0 = other.public_jwk("k0");
  ctx.fetch_json = [&](const std::string&) -> Result<json> { return json{{"keys", {k0}}}; };
  auto jwt = decode_jwt(ok("{{ token_hs256_public(token, 'u') }}").get<std::string>());
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->signature, hmac_sha256(*jwk_to_pem(k0), jwt->signing_input));
}

TEST_F(TokenFunctionsTest, TokenFunctionsReportBadInput) {
  EXPECT_THAT(fails("{{ token_hs256_public(token, jwks_url) }}"), HasSubstr("no way to fetch"));
  ctx.fetch_json = [](const std::string&) -> Result<json> { return json{{"keys", json::array()}}; };
  EXPECT_THAT(fails("{{ token_hs256_public(token, jwks_url) }}"), HasSubstr("no RSA key"));
  ctx.fetch_json = [](const std::string&) -> Result<json> { return environment_error("authority", "refused"); };
  EXPECT_THAT(fails("{{ token_hs256_public(token, jwks_url) }}"), HasSubstr("refused"));
  EXPECT_THAT(fails("{{ token_alg_none('not-a-token') }}"), HasSubstr("token_alg_none"));
  EXPECT_THAT(fails("{{ token_tampered(5, 'a', 'b') }}"), HasSubstr("expects a token"));
}

TEST_F(FunctionsTest, IntegerArithmeticOverValuesOfTheProfile) {
  scope.set("contract", json{{"windows", {{"token_leeway_seconds", 60}}}});
  EXPECT_EQ(ok("{{add(2, 3)}}"), json(5));
  EXPECT_EQ(ok("{{sub(0, add(contract.windows.token_leeway_seconds, 30))}}"), json(-90));
  EXPECT_EQ(ok("{{div(-7, 2)}}"), json(-3));
  EXPECT_EQ(ok("{{clamp(div(contract.windows.token_leeway_seconds, 2), 5, 20)}}"), json(20));
  EXPECT_EQ(ok("{{clamp(1, 5, 20)}}"), json(5));
  EXPECT_EQ(ok("{{now(sub(0, 60))}}").get<long long>() / 10, ok("{{now(-60)}}").get<long long>() / 10);
  EXPECT_THAT(fails("{{add(1, '2')}}"), HasSubstr("add(a, b) needs integers, got \"2\""));
  // A number, not text: a platform that validates a field as an integer gets one.
  std::set<long long> drawn;
  for (int i = 0; i < 400; ++i) {
    const json v = ok("{{random_int(1, add(contract.windows.token_leeway_seconds, -56))}}");
    ASSERT_TRUE(v.is_number_integer()) << v;
    drawn.insert(v.get<long long>());
  }
  EXPECT_EQ(drawn, (std::set<long long>{1, 2, 3, 4})) << "every value of the range, and none outside it";
  EXPECT_EQ(ok("{{random_int(-3, -3)}}"), json(-3));
  EXPECT_THAT(fails("{{random_int(5, 4)}}"), HasSubstr("random_int(low, high) needs low <= high, got 5 > 4"));
  EXPECT_THAT(fails("{{random_int(1, 'x')}}"), HasSubstr("random_int(low, high) needs integers"));
  EXPECT_THAT(fails("{{add(1, 1.5)}}"), HasSubstr("needs integers"));
  EXPECT_THAT(fails("{{div(1, 0)}}"), HasSubstr("div(a, b) by 0"));
  EXPECT_THAT(fails("{{sub('\xff\xfe', 1)}}"), HasSubstr("needs integers"));  // not UTF-8: still a message
  EXPECT_THAT(fails("{{sub(0, 99999999999999999)}}"), HasSubstr("out of range"));
  // A value above 2^63 (a number captured from a body) is out of range, not wrapped into it.
  scope.set("big", json(18446744073709551000ULL));
  EXPECT_THAT(fails("{{add(big, 1)}}"), HasSubstr("add(a, b): 18446744073709551000 is out of range"));
  // A long value is cut between characters in the message.
  scope.set("long", json(std::string(78, 'a') + "\xC3\xA9\xC3\xA9"));
  const std::string message = fails("{{add(long, 1)}}");
  EXPECT_THAT(message, HasSubstr("got \"" + std::string(78, 'a') + "\xE2\x80\xA6")) << message;
}

// What reads the clock is known from the table: a template that calls it, at any depth and in a key
// too, says so; one that only names it otherwise does not; one that does not parse says yes.
TEST(TemplateFunctions, ATemplateThatCallsAClockFunctionIsKnown) {
  EXPECT_TRUE(template_reads_clock("{{ now(-60) }}"));
  EXPECT_TRUE(template_reads_clock("exp {{now()}} and {{uuid()}}"));
  EXPECT_TRUE(template_reads_clock(json{{"pointer", "/exp"}, {"equals", json::array({1, "{{ add(now(), 60) }}"})}}));
  EXPECT_TRUE(template_reads_clock(json{{"{{now()}}", 1}}));
  EXPECT_TRUE(template_reads_clock("{{ now( }}"));
  EXPECT_FALSE(template_reads_clock("{{ uuid() }}-{{random(12)}}-{{contract.status.ok}}"));
  EXPECT_FALSE(template_reads_clock("{{ known }} {{ now }} {{ snow.now }} now()"));
  EXPECT_FALSE(template_reads_clock(json{{"status", 200}, {"list", json::array({"now()", 3})}}));
}

}  // namespace
}  // namespace tc
