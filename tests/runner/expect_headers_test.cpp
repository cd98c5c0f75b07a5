#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

stub::Response with_headers() {
  Headers h;
  h.add("Cache-Control", "private, no-store");
  h.add("Vary", "Authorization");
  h.add("Vary", "X-StellaOps-Tenant");
  return respond(200, "{}", h);
}

TEST(ExpectHeaders, EveryCheckPassesOnMatchingHeaders) {
  TestServer server([](const stub::Request&) { return with_headers(); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json spec = {
      {"cache-control", "{{contract.values.tenant_scoped_cache_control}}"},
      {"{{contract.headers.vary}}", {{"matches", "Authorization, X-StellaOps"}}},
      {"VARY", {{"contains", "X-StellaOps-Tenant"}}},
      {"X-Old", {{"absent", true}}},
      {"vary", {{"count", 2}}},
      {"Cache-Control", {{"present", true}}},
  };
  auto r = run_step(step("h", "{{api}}/x", {expect("headers", spec)}), scope, *run);
  EXPECT_EQ(r.outcomes.size(), 6u);
  EXPECT_FALSE(r.failed()) << failures(r);
}

TEST(ExpectHeaders, EachFailingCheckIsReportedWithExpectedAndActual) {
  TestServer server([](const stub::Request&) { return with_headers(); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json spec = {
      {"Cache-Control", "no-store"},
      {"Vary", {{"contains", "Cookie"}}},
      {"X-Missing", {{"present", true}}},
      {"VARY", {{"count", 1}}},
  };
  auto r = run_step(step("h", "{{api}}/x", {expect("headers", spec)}), scope, *run);
  auto lines = r.failure_lines();
  ASSERT_EQ(lines.size(), 4u) << failures(r);
  EXPECT_NE(failures(r).find("headers Cache-Control equals: expected \"no-store\", actual \"private, no-store\""),
            std::string::npos) << failures(r);
  EXPECT_NE(failures(r).find("headers VARY count: expected 1 values, actual 2 values"), std::string::npos) << failures(r);
  EXPECT_NE(failures(r).find("headers X-Missing present: expected present, actual (absent)"), std::string::npos)
      << failures(r);
}

// A list field's tokens, however it is spelt: split over field lines or joined without spaces, in
// another letter case, with further elements; a token that is not there fails, named.
TEST(ExpectHeaders, HasTokensReadsAListFieldAsItsElements) {
  TestServer server([](const stub::Request& req) {
    Headers h;
    if (req.path == "/joined") {
      h.add("Cache-Control", "no-store,PRIVATE");
      h.add("Vary", "accept-encoding,authorization,x-stellaops-tenant");
    } else if (req.path == "/split") {
      h.add("Cache-Control", "private");
      h.add("Cache-Control", " no-store ");
      h.add("Vary", "Authorization");
      h.add("Vary", "X-StellaOps-Tenant");
    } else {
      h.add("Cache-Control", "private, max-age=60");
      h.add("Vary", "Authorization, X-StellaOps-Tenant-Hint");
    }
    return respond(200, "{}", h);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json spec = {
      {"{{contract.headers.cache_control}}", {{"has_tokens", "{{contract.values.tenant_scoped_cache_control}}"}}},
      {"{{contract.headers.vary}}", {{"has_tokens", "{{contract.values.tenant_scoped_vary}}"}}},
  };
  for (const char* path : {"/joined", "/split"}) {
    auto r = run_step(step("h", std::string("{{api}}") + path, {expect("headers", spec)}), scope, *run);
    EXPECT_EQ(r.outcomes.size(), 2u) << path;
    EXPECT_FALSE(r.failed()) << path << ": " << failures(r);
  }
  auto r = run_step(step("h", "{{api}}/other", {expect("headers", spec)}), scope, *run);
  ASSERT_EQ(r.failure_lines().size(), 2u) << failures(r);
  EXPECT_NE(failures(r).find("headers Cache-Control has_tokens: expected the tokens \"private, no-store\", actual "
                             "\"private, max-age=60\", without no-store"),
            std::string::npos)
      << failures(r);
  EXPECT_NE(failures(r).find("without X-StellaOps-Tenant"), std::string::npos) << failures(r);
}

TEST(ExpectHeaders, ValidatorRejectsUnknownChecksAndBadRegex) {
  register_builtin_expectations();
  const ExpectationKind* kind = find_expectation_kind("headers");
  ASSERT_NE(kind, nullptr);
  Document doc{"f.yaml", json::object(), {{"/h", 3}}, {}};
  EXPECT_TRUE(kind->validate(json{{"Vary", {{"matches", "a.*"}}}}, doc, "/h").ok());
  auto bad = kind->validate(json{{"Vary", {{"equal", "x"}}}}, doc, "/h");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("equal"), std::string::npos);
  EXPECT_EQ(bad.error().where.pointer, "/h/Vary/equal");
  EXPECT_FALSE(kind->validate(json{{"Vary", {{"matches", "(("}}}}, doc, "/h").ok());
  EXPECT_FALSE(kind->validate(json{{"Vary", {{"count", -1}}}}, doc, "/h").ok());
  EXPECT_FALSE(kind->validate(json{{"Vary", {{"has_tokens", " "}}}}, doc, "/h").ok());
  EXPECT_FALSE(kind->validate(json{{"Vary", {{"has_tokens", 3}}}}, doc, "/h").ok());
  // A map that checks nothing is refused, as the schema refuses it.
  auto empty = kind->validate(json::object(), doc, "/h");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().where.pointer, "/h");
  EXPECT_NE(empty.error().message.find("headers must be a map of header name to check"), std::string::npos)
      << empty.error().message;
}

}  // namespace
}  // namespace tc
