#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

TEST(ExpectStatus, PassesOnTheStatusAndOnOneOfAList) {
  TestServer server([](const stub::Request&) { return respond(201); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("one", "{{api}}/x", {expect("status", 201)}), scope, *run);
  EXPECT_TRUE(only(r, "status").passed()) << failures(r);
  r = run_step(step("list", "{{api}}/x", {expect("status", json::array({200, 201}))}), scope, *run);
  EXPECT_TRUE(only(r, "status").passed()) << failures(r);
  r = run_step(step("template", "{{api}}/x", {expect("status", "{{contract.status.created}}")}), scope, *run);
  EXPECT_TRUE(only(r, "status").passed()) << failures(r);
}

TEST(ExpectStatus, FailsNamingExpectedAndActual) {
  TestServer server([](const stub::Request&) { return respond(401); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("token", "{{api}}/x", {expect("status", "{{contract.status.ok}}")}), scope, *run);
  Outcome o = only(r, "status");
  EXPECT_TRUE(o.failed());
  EXPECT_EQ(o.expected, "200");
  EXPECT_EQ(o.actual, "401");
  ASSERT_EQ(r.failure_lines().size(), 1u);
  EXPECT_EQ(r.failure_lines()[0], "step 'token' (scenarios/test.yaml:10): status: expected 200, actual 401");
  r = run_step(step("list", "{{api}}/x", {expect("status", json::array({200, 201}))}), scope, *run);
  EXPECT_EQ(only(r, "status").expected, "200 or 201");
}

TEST(ExpectStatus, ValidatorRejectsWhatIsNotAStatus) {
  register_builtin_expectations();
  const ExpectationKind* kind = find_expectation_kind("status");
  ASSERT_NE(kind, nullptr);
  Document doc{"f.yaml", json::object(), {{"/s", 7}}, {}};
  EXPECT_TRUE(kind->validate(200, doc, "/s").ok());
  EXPECT_TRUE(kind->validate("{{contract.status.ok}}", doc, "/s").ok());
  auto bad = kind->validate("ok", doc, "/s");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where.line, 7);
  EXPECT_FALSE(kind->validate(json::array(), doc, "/s").ok());
  EXPECT_FALSE(kind->validate(99, doc, "/s").ok());
}

}  // namespace
}  // namespace tc
