#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

const char* kBody = R"({"tenant":"tenant-alpha","kid":"k1-abc","count":2,
  "items":[{"id":"plat-alpha-1","tenant":"tenant-alpha"},{"id":"plat-alpha-2","tenant":"tenant-alpha"}]})";

TEST(ExpectJson, EveryCheckPassesOnAMatchingBody) {
  TestServer server([](const stub::Request&) { return respond(200, kBody); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json checks = json::array({
      {{"pointer", "/tenant"}, {"equals", "tenant-alpha"}},
      {{"pointer", "/count"}, {"equals", 2.0}},
      {{"pointer", "/items"}, {"length", 2}},
      {{"pointer", "/items"}, {"contains", {{"id", "plat-alpha-1"}}}},
      {{"pointer", "/items"}, {"not_contains", {{"tenant", "tenant-bravo"}}}},
      {{"pointer", "/kid"}, {"type", "string"}},
      {{"pointer", "/count"}, {"type", "number"}},
      {{"pointer", "/kid"}, {"matches", "^k1-"}},
      {{"pointer", "/error"}, {"absent", true}},
      {{"subset", {{"tenant", "tenant-alpha"}}}},
  });
  auto r = run_step(step("j", "{{api}}/x", {expect("json", checks)}), scope, *run);
  EXPECT_EQ(r.outcomes.size(), checks.size());
  EXPECT_FALSE(r.failed()) << failures(r);
}

TEST(ExpectJson, FailingChecksNameExpectedAndActual) {
  TestServer server([](const stub::Request&) { return respond(200, kBody); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json checks = json::array({
      {{"pointer", "/tenant"}, {"equals", "tenant-bravo"}},
      {{"pointer", "/items"}, {"length", 3}},
      {{"pointer", "/items"}, {"contains", {{"id", "plat-bravo-1"}}}},
      {{"pointer", "/items"}, {"not_contains", {{"tenant", "tenant-alpha"}}}},
      {{"pointer", "/count"}, {"type", "string"}},
      {{"pointer", "/kid"}, {"matches", "^k2-"}},
      {{"pointer", "/tenant"}, {"absent", true}},
      {{"subset", {{"tenant", "tenant-bravo"}}}},
  });
  auto r = run_step(step("j", "{{api}}/x", {expect("json", checks)}), scope, *run);
  EXPECT_EQ(r.failure_lines().size(), checks.size()) << failures(r);
  std::string f = failures(r);
  EXPECT_NE(f.find("json /tenant equals: expected \"tenant-bravo\", actual \"tenant-alpha\""), std::string::npos) << f;
  EXPECT_NE(f.find("json /items length: expected length 3, actual length 2"), std::string::npos) << f;
  EXPECT_NE(f.find("json /count type: expected string, actual integer 2"), std::string::npos) << f;
  EXPECT_NE(f.find("json /tenant absent: expected (absent), actual \"tenant-alpha\""), std::string::npos) << f;
}

// Checks reading one node each report its whole text, also when an earlier check read it; an
// `each` check reports each element's own.
TEST(ExpectJson, ChecksOnOneNodeEachReportItsText) {
  TestServer server([](const stub::Request&) { return respond(200, kBody); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json checks = json::array({
      {{"pointer", "/items"}, {"length", 3}},
      {{"pointer", "/items"}, {"contains", {{"id", "plat-bravo-1"}}}},
      {{"pointer", "/items/1"}, {"equals", "x"}},
      {{"pointer", "/items"}, {"each", json::array({{{"pointer", "/id"}, {"equals", "plat-alpha-1"}}})}},
  });
  auto r = run_step(step("j", "{{api}}/x", {expect("json", checks)}), scope, *run);
  ASSERT_EQ(r.outcomes.size(), checks.size());
  const std::string items = json::parse(kBody)["items"].dump();
  const std::string second = json::parse(kBody)["items"][1].dump();
  EXPECT_EQ(r.outcomes[0].actual, "length 2 " + items);
  EXPECT_EQ(r.outcomes[1].actual, items);
  EXPECT_EQ(r.outcomes[2].actual, second);
  EXPECT_EQ(r.outcomes[3].actual, "element 1: /id equals: expected \"plat-alpha-1\", actual \"plat-alpha-2\"");
}

// A list of types: the value is of one of them; absent or of another type fails, naming them all.
TEST(ExpectJson, TypeMayListTheTypesAValueMayHave) {
  TestServer server([](const stub::Request&) { return respond(200, kBody); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json passing = json::array({{{"pointer", "/items"}, {"type", {"object", "array"}}},
                              {{"pointer", "/count"}, {"type", {"string", "integer"}}}});
  auto r = run_step(step("j", "{{api}}/x", {expect("json", passing)}), scope, *run);
  EXPECT_TRUE(r.failure_lines().empty()) << failures(r);
  json failing = json::array({{{"pointer", "/count"}, {"type", {"object", "array"}}},
                              {{"pointer", "/nowhere"}, {"type", {"object", "array"}}}});
  r = run_step(step("j", "{{api}}/x", {expect("json", failing)}), scope, *run);
  const std::string f = failures(r);
  EXPECT_NE(f.find("json /count type: expected object or array, actual integer 2"), std::string::npos) << f;
  EXPECT_NE(f.find("json /nowhere type: expected object or array, actual (absent)"), std::string::npos) << f;
}

// `each`: every element of the array passes the checks, read from the element; the first element
// that fails one is named. A list holding only one tenant's items is every item, not the absence of
// the tenants a pack happens to know.
TEST(ExpectJson, EachElementOfAnArrayPassesTheChecks) {
  TestServer server([](const stub::Request& r) {
    if (r.path == "/leak")
      return respond(200, R"({"items":[{"id":"a-1","tenant":"tenant-alpha"},{"id":"d-1","tenant":"tenant-delta"}]})");
    return respond(200, kBody);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  const json checks = json::array({{{"pointer", "/items"},
                                    {"each", json::array({{{"pointer", "/tenant"}, {"equals", "tenant-alpha"}},
                                                          {{"pointer", "/id"}, {"type", "string"}}})}}});
  auto r = run_step(step("j", "{{api}}/x", {expect("json", checks)}), scope, *run);
  EXPECT_TRUE(r.failure_lines().empty()) << failures(r);
  r = run_step(step("j", "{{api}}/leak", {expect("json", checks)}), scope, *run);
  std::string f = failures(r);
  EXPECT_NE(f.find("actual element 1: /tenant equals: expected \"tenant-alpha\", actual \"tenant-delta\""), std::string::npos) << f;
  const json not_a_list = json::array({{{"pointer", "/tenant"}, {"each", json::array({{{"pointer", ""}, {"type", "string"}}})}}});
  r = run_step(step("j", "{{api}}/x", {expect("json", not_a_list)}), scope, *run);
  f = failures(r);
  EXPECT_NE(f.find("json /tenant each: expected an array, actual \"tenant-alpha\""), std::string::npos) << f;
}

TEST(ExpectJson, ABodyThatIsNotJsonFailsEveryCheck) {
  TestServer server([](const stub::Request&) { return respond(200, "<html>"); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("j", "{{api}}/x", {expect("json", json::array({{{"pointer", "/a"}, {"absent", true}}}))}),
                    scope, *run);
  Outcome o = only(r, "json");
  EXPECT_TRUE(o.failed());
  EXPECT_EQ(o.expected, "a JSON body");
  EXPECT_NE(o.actual.find("<html>"), std::string::npos);
}

TEST(ExpectJson, ValidatorRejectsUnknownOpsAndTwoOps) {
  register_builtin_expectations();
  const ExpectationKind* kind = find_expectation_kind("json");
  ASSERT_NE(kind, nullptr);
  Document doc{"f.yaml", json::object(), {{"/j", 4}}, {}};
  EXPECT_TRUE(kind->validate(json::array({{{"pointer", "/a"}, {"equals", 1}}}), doc, "/j").ok());
  EXPECT_FALSE(kind->validate(json::array({{{"pointer", "/a"}, {"equal", 1}}}), doc, "/j").ok());
  EXPECT_FALSE(kind->validate(json::array({{{"pointer", "/a"}, {"equals", 1}, {"absent", true}}}), doc, "/j").ok());
  EXPECT_FALSE(kind->validate(json::array({{{"pointer", "a"}, {"equals", 1}}}), doc, "/j").ok());
  EXPECT_FALSE(kind->validate(json::array({{{"type", "text"}}}), doc, "/j").ok());
  // `each` holds checks of its own, read as strictly, and named by their place inside it.
  EXPECT_TRUE(kind->validate(json::array({{{"pointer", "/items"}, {"each", json::array({{{"pointer", "/id"}, {"type", "string"}}})}}}), doc, "/j").ok());
  auto inner = kind->validate(json::array({{{"pointer", "/items"}, {"each", json::array({{{"pointer", "/id"}, {"typ", "string"}}})}}}), doc, "/j");
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().where.pointer, "/j/0/each/0/typ") << inner.error().to_string();
  EXPECT_FALSE(kind->validate(json::array({{{"pointer", "/items"}, {"each", {{"pointer", "/id"}}}}}), doc, "/j").ok()) << "a list of checks";
}

}  // namespace
}  // namespace tc
