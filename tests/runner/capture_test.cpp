#include "common/crypto.h"
#include "common/jwt.h"
#include "harness/runner/capture.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

CaptureSpec cap(std::string name, CaptureSpec::Source source, std::string expr, std::string from = "") {
  CaptureSpec c;
  c.name = std::move(name);
  c.source = source;
  c.expr = std::move(expr);
  c.from = std::move(from);
  return c;
}

TEST(Capture, EverySourceFeedsALaterStep) {
  RsaKey key = RsaKey::generate(2048);
  std::string token = sign_jwt_rs256(key, "k1", {{"stellaops:tenant", "tenant-bravo"}, {"sub", "user-bea"}});
  TestServer server([&token](const stub::Request& r) {
    if (r.path == "/echo") return respond(200, r.target);
    Headers h;
    h.add("Location", "https://console.example/cb?code=abc123&state=s");
    return respond(200, json{{"access_token", token}, {"count", 3}}.dump(), h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec first = step("token", "{{api}}/token");
  first.captures = {cap("count", CaptureSpec::Source::json, "/count"),
                    cap("location", CaptureSpec::Source::header, "location"),
                    cap("code", CaptureSpec::Source::regex, "code=([^&]+)", "header:Location"),
                    cap("tenant", CaptureSpec::Source::jwt_claim, "stellaops:tenant", "json:/access_token"),
                    cap("whole", CaptureSpec::Source::regex, "access_\\w+")};
  auto r = run_step(first, scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  ASSERT_NE(scope.lookup("count"), nullptr);
  EXPECT_EQ(*scope.lookup("count"), 3);  // json captures keep their type
  EXPECT_EQ(*scope.lookup("code"), "abc123");
  EXPECT_EQ(*scope.lookup("whole"), "access_token");

  StepSpec second = step("use", "{{api}}/echo");
  second.request.query = {{"t", "{{tenant}}"}, {"c", "{{code}}"}, {"n", "{{count}}"}};
  r = run_step(second, scope, *run);
  ASSERT_FALSE(r.failed()) << failures(r);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].query_param("t"), "tenant-bravo");
  EXPECT_EQ(reqs[1].query_param("c"), "abc123");
  EXPECT_EQ(reqs[1].query_param("n"), "3");
}

// A regex over a header tries each of its fields: one Set-Cookie per cookie, the wanted one not first.
TEST(Capture, ARegexOverAHeaderFindsItsMatchInAnyOfItsFields) {
  TestServer server([](const stub::Request&) {
    Headers h;
    h.add("Set-Cookie", "session=s1; Path=/; HttpOnly");
    h.add("Set-Cookie", "state=signed.v4lue; Path=/; HttpOnly");
    return respond(200, "", h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("cookies", "{{api}}/x");
  s.captures = {cap("state", CaptureSpec::Source::regex, "^state=([^;]*)", "header:Set-Cookie"),
                cap("first", CaptureSpec::Source::regex, "=([^;]*)", "header:Set-Cookie")};
  auto r = run_step(s, scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  ASSERT_NE(scope.lookup("state"), nullptr);
  EXPECT_EQ(*scope.lookup("state"), "signed.v4lue");
  EXPECT_EQ(*scope.lookup("first"), "s1");  // the first field that matches
  s.captures = {cap("none", CaptureSpec::Source::regex, "^other=", "header:Set-Cookie")};
  EXPECT_TRUE(run_step(s, scope, *run).failed());
}

// The scheme that marks a token in an Authorization-style value is the profile's, not a literal.
TEST(Capture, AClaimOfATokenBehindTheProfilesBearerScheme) {
  RsaKey key = RsaKey::generate(2048);
  std::string token = sign_jwt_rs256(key, "k1", {{"sub", "user-bea"}});
  TestServer server([&token](const stub::Request&) {
    Headers h;
    h.add("X-Token", reference_profile().value("bearer_scheme") + " " + token);
    h.add("X-Other", "Token " + token);
    return respond(200, "{}", h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("token", "{{api}}/token");
  s.captures = {cap("sub", CaptureSpec::Source::jwt_claim, "sub", "header:X-Token")};
  auto r = run_step(s, scope, *run);
  ASSERT_FALSE(r.failed()) << failures(r);
  EXPECT_EQ(*scope.lookup("sub"), "user-bea");

  Scope spelled(&run->root_scope());
  json contract = *run->root_scope().lookup("contract");
  contract["values"]["bearer_scheme"] = "Token";
  spelled.set("contract", contract);
  s.captures = {cap("sub", CaptureSpec::Source::jwt_claim, "sub", "header:X-Other"),
                cap("other", CaptureSpec::Source::jwt_claim, "sub", "header:X-Token")};
  r = run_step(s, spelled, *run);
  EXPECT_EQ(*spelled.lookup("sub"), "user-bea");
  EXPECT_EQ(spelled.lookup("other"), nullptr);  // "Bearer …" is no token where the scheme is Token
  EXPECT_EQ(r.failure_lines().size(), 1u) << failures(r);
}

TEST(Capture, AMissingSourceFailsTheStepNamingIt) {
  TestServer server([](const stub::Request&) { return respond(200, "{}"); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("token", "{{api}}/token");
  s.captures = {cap("token", CaptureSpec::Source::json, "/access_token"),
                cap("loc", CaptureSpec::Source::header, "Location")};
  auto r = run_step(s, scope, *run);
  std::string f = failures(r);
  EXPECT_EQ(r.failure_lines().size(), 2u) << f;
  EXPECT_NE(f.find("capture token from json /access_token: expected a value, actual no /access_token in the JSON body"),
            std::string::npos) << f;
  EXPECT_NE(f.find("no header Location"), std::string::npos) << f;
  EXPECT_EQ(scope.lookup("token"), nullptr);
}

}  // namespace
}  // namespace tc
