#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/jwt.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

TEST(StepRunner, EveryRequestCarriesAFreshCorrelationIdExposedAsAVariable) {
  TestServer server([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("cid", "{{api}}/x");
  s.request.query = {{"cid", "{{correlation_id}}"}};
  auto a = run_step(s, scope, *run);
  auto b = run_step(s, scope, *run);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const std::regex pattern(reference_profile().pattern("correlation_id"));
  for (std::size_t i = 0; i < 2; ++i) {
    auto header = reqs[i].headers.get(reference_profile().header("correlation_id"));
    ASSERT_TRUE(header);
    EXPECT_TRUE(std::regex_match(*header, std::regex("run-test-[a-z0-9]{8}"))) << *header;
    EXPECT_TRUE(std::regex_match(*header, pattern));
    EXPECT_EQ(reqs[i].query_param("cid"), *header);
  }
  EXPECT_EQ(*reqs[0].headers.get("X-Correlation-Id"), a.correlation_id);
  EXPECT_NE(a.correlation_id, b.correlation_id);
}

TEST(StepRunner, EveryComponentIsAlsoUnderEndpoints) {
  TestServer server([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("via endpoints", "{{endpoints.api}}/x", {expect("status", 200)}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(StepRunner, AStepMaySetItsOwnCorrelationId) {
  TestServer server([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("own", "{{api}}/x");
  s.request.headers = {{"{{contract.headers.correlation_id}}", "mine-{{run_id}}"}};
  auto r = run_step(s, scope, *run);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].headers.all("X-Correlation-Id"), std::vector<std::string>{"mine-run-test"});
  EXPECT_EQ(r.correlation_id, "mine-run-test");
}

TEST(StepRunner, RendersVarsThenMethodUrlHeadersQueryAndBodies) {
  TestServer server([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  scope.set("user", "bea");
  StepSpec s = step("post", "{{api}}{{contract.paths.token}}");
  s.vars = {{"greeting", "hello {{who}}"}, {"who", "{{user}}"}};  // any order
  s.request.method = "POST";
  s.request.headers = {{"{{contract.headers.tenant}}", "tenant-bravo"}, {"X-Tenant", "a"}, {"X-Tenant", "b"}};
  s.request.query = {{"state", "a b&c"}};
  s.request.form = {{"username", "{{user}}"}, {"note", "{{greeting}}"}};
  auto r = run_step(s, scope, *run);
  ASSERT_FALSE(r.failed()) << failures(r);
  StepSpec j = step("json", "{{api}}/j");
  j.request.method = "PUT";
  j.request.json_body = json{{"user", "{{user}}"}, {"n", 3}, {"list", {"{{contract.status.ok}}"}}};
  r = run_step(j, scope, *run);
  ASSERT_FALSE(r.failed()) << failures(r);

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/connect/token");
  EXPECT_EQ(reqs[0].query_param("state"), "a b&c");
  EXPECT_EQ(reqs[0].headers.get("X-StellaOps-Tenant"), "tenant-bravo");
  EXPECT_EQ(reqs[0].headers.all("x-tenant"), (std::vector<std::string>{"a", "b"}));
  auto form = reqs[0].form();
  EXPECT_EQ(form.find("username")->second, "bea");
  EXPECT_EQ(form.find("note")->second, "hello bea");
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(json::parse(reqs[1].body), (json{{"user", "bea"}, {"n", 3}, {"list", {200}}}));
  EXPECT_EQ(reqs[1].headers.get("Content-Type"), "application/json");
}

TEST(StepRunner, AnUndefinedVariableFailsTheStepWithItsLocation) {
  auto run = make_run({});
  Scope scope(&run->root_scope());
  auto r = run_step(step("bad", "{{nowhere}}/x"), scope, *run);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->where.file, "scenarios/test.yaml");
  EXPECT_NE(r.error->message.find("nowhere"), std::string::npos);
}

TEST(StepRunner, AnUnreachableComponentIsAnEnvironmentErrorNamingIt) {
  std::string dead_url;
  {
    TestServer gone([](const stub::Request&) { return respond(200); });
    dead_url = gone.url();
  }
  auto run = make_run({component("gateway", dead_url)});
  Scope scope(&run->root_scope());
  auto r = run_step(step("call", "{{gateway}}/api", {expect("status", 200)}), scope, *run);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, ErrorKind::environment);
  EXPECT_EQ(r.error->where.component, "gateway");
  auto errors = run->environment_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].to_string().find("gateway"), std::string::npos) << errors[0].to_string();
}

TEST(StepRunner, TranscriptShowsTheExchangeWithSecretsRedacted) {
  TestServer server([](const stub::Request&) {
    Headers h;
    h.add("X-Reply", "yes");
    return respond(418, R"({"error":"teapot"})", h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("t", "{{api}}/brew");
  s.request.headers = {{"Authorization", "Bearer abcdefghijklmnopqrstuvwxyz0123456789"}};
  auto r = run_step(s, scope, *run);
  EXPECT_NE(r.transcript.find("> GET " + server.url() + "/brew HTTP/1.1"), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("< HTTP/1.1 418"), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("< X-Reply: yes"), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("teapot"), std::string::npos) << r.transcript;
  EXPECT_EQ(r.transcript.find("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos) << r.transcript;
}

// A spec is rendered while the answer is awaited only when it reads none of this step's captures,
// and a template that fetches waits for the answer: each sees what it would after the answer.
TEST(StepRunner, SpecsReadingThisStepsCapturesOrFetchingAreRenderedAfterTheAnswer) {
  const RsaKey key = RsaKey::generate(2048);
  const std::string token = sign_jwt_rs256(key, "k1", json{{"sub", "ada"}});
  const std::string jwks = json{{"keys", json::array({key.public_jwk("k1")})}}.dump();
  const std::string crafted = craft_hs256_with_key(decode_jwt(token)->payload, *jwk_to_pem(key.public_jwk("k1")));
  TestServer server([&](const stub::Request& r) {
    if (r.path == "/jwks") return respond(200, jwks);
    Headers h;
    h.add("X-Crafted", crafted);
    return respond(200, json{{"id", "item-4471"}, {"echo", "item-4471-seen"}}.dump(), h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  scope.set("tok", token);
  scope.set("jwks_url", server.url() + "/jwks");
  StepSpec s = step("after", "{{api}}/items",
                    {expect("json", json::array({{{"pointer", "/echo"}, {"equals", "{{seen}}-seen"}}})),
                     expect("headers", {{"X-Crafted", "{{token_hs256_public(tok, jwks_url)}}"}})});
  s.captures = {CaptureSpec{"seen", CaptureSpec::Source::json, "/id", "", std::nullopt, loc_at(12)}};
  const auto r = run_step(s, scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  EXPECT_EQ(r.outcomes.size(), 3u) << failures(r);  // the capture and two checks
}

// run_step follows a step's plan (StepSpec::ahead): one that renders ahead a spec naming the step's
// capture, as no loader writes, reads that variable as it was before the answer; without a plan,
// or with one that does not fit the step, the spec waits for the capture. The server answers after
// 200 ms, so that the request is surely out, and waited on, before the answer comes.
TEST(StepRunner, RunStepFollowsTheStepsPlanOrWorksOneOut) {
  TestServer server([](const stub::Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return respond(200, json{{"id", "new"}, {"echo", "new"}}.dump());
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("plan", "{{api}}/items", {expect("json", json::array({{{"pointer", "/echo"}, {"equals", "{{seen}}"}}}))});
  s.captures = {CaptureSpec{"seen", CaptureSpec::Source::json, "/id", "", std::nullopt, loc_at(12)}};
  for (const auto& [plan, fails] : std::vector<std::pair<std::optional<StepSpec::Ahead>, bool>>{
           {std::nullopt, false}, {StepSpec::Ahead{true, {true}}, true}, {StepSpec::Ahead{true, {false}}, false},
           {StepSpec::Ahead{true, {}}, false}}) {
    scope.set("seen", "old");
    s.ahead = plan;
    const auto r = run_step(s, scope, *run);
    EXPECT_EQ(r.failed(), fails) << failures(r);
  }
}

TEST(StepRunner, EveryExpectationIsEvaluatedNotJustTheFirstFailure) {
  TestServer server([](const stub::Request&) { return respond(500, R"({"error":"x"})"); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("all", "{{api}}/x", {expect("status", 200), expect("json", json::array({{{"pointer", "/error"}, {"equals", "y"}}})),
                                              expect("headers", {{"X-Absent", {{"absent", true}}}})}),
                    scope, *run);
  EXPECT_EQ(r.outcomes.size(), 3u);
  EXPECT_EQ(r.failure_lines().size(), 2u) << failures(r);
}

// Problem: a redirect loop ended in an error that did not say so.
TEST(StepRunner, ARedirectLoopIsAnEnvironmentErrorThatSaysSoAndNamesTheComponent) {
  TestServer server([](const stub::Request& r) {
    Headers h;
    h.add("Location", r.path == "/a" ? "/b" : "/a");
    return respond(302, "", h);
  });
  auto run = make_run({component("gateway", server.url())});
  Scope scope(&run->root_scope());
  StepSpec s = step("loop", "{{gateway}}/a", {expect("status", 200)});
  s.request.follow_redirects = true;
  auto r = run_step(s, scope, *run);
  ASSERT_TRUE(r.error) << failures(r);
  EXPECT_EQ(r.error->kind, ErrorKind::environment);
  EXPECT_EQ(r.error->where.component, "gateway");
  EXPECT_NE(r.error->message.find("redirect loop"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("more than 10"), std::string::npos) << r.error->message;
  EXPECT_EQ(server.requests().size(), 11u);
}

// Problem: a file:// URL was fetched (the local file copied into the reports), and so was a
// redirect to one. Only http and https are allowed.
TEST(StepRunner, OnlyHttpAndHttpsAreFetchedAlsoThroughARedirect) {
  const std::string file = ::testing::TempDir() + "/tc-step-runner-local-file.txt";
  std::ofstream(file) << "local-file-content-9Zq";
  TestServer server([&](const stub::Request&) {
    Headers h;
    h.add("Location", "file://" + file);
    return respond(302, "", h);
  });
  auto run = make_run({component("gateway", server.url())});
  Scope scope(&run->root_scope());
  for (const std::string& url : {"file://" + file, "FILE://" + file, std::string("ftp://127.0.0.1/x")}) {
    auto r = run_step(step("file", url, {expect("status", 200)}), scope, *run);
    ASSERT_TRUE(r.error) << url << ": status " << r.status << "\n" << r.transcript;
    EXPECT_EQ(r.error->kind, ErrorKind::environment);
    EXPECT_NE(r.error->message.find("only http:// and https://"), std::string::npos) << r.error->message;
    EXPECT_EQ(r.transcript.find("local-file-content"), std::string::npos) << r.transcript;
  }
  StepSpec redirected = step("redirected", "{{gateway}}/x", {expect("status", 200)});
  redirected.request.follow_redirects = true;
  auto r = run_step(redirected, scope, *run);
  ASSERT_TRUE(r.error) << "status " << r.status << "\n" << r.transcript;
  EXPECT_EQ(r.error->where.component, "gateway");
  EXPECT_NE(r.error->message.find("only http:// and https://"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.transcript.find("local-file-content"), std::string::npos) << r.transcript;
  std::remove(file.c_str());
}

}  // namespace
}  // namespace tc
