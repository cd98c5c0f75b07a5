// Rendering: typed single expressions, splicing, paths, literals, errors at the template's location.
#include "harness/template/template.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/redact.h"

namespace tc {
namespace {

using ::testing::HasSubstr;

class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scope.set("contract", json{{"status", {{"ok", 200}}}, {"headers", {{"tenant", "X-StellaOps-Tenant"}}}});
    scope.set("gateway", "http://127.0.0.1:8080");
    scope.set("items", json::array({json{{"id", "plat-alpha-1"}}, json{{"id", "plat-alpha-2"}}}));
    scope.set("flag", true);
  }
  json ok(const json& node) {
    auto r = render(node, scope, loc);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? *r : json();
  }
  Error err(const std::string& text) {
    auto r = render(json(text), scope, loc);
    EXPECT_FALSE(r.ok()) << "rendered to " << (r.ok() ? r->dump() : "");
    return r.ok() ? Error{} : r.error();
  }
  Scope scope;
  Loc loc{"scenarios/x.yaml", 7, "/scenarios/0/steps/1/request/url"};
};

TEST_F(TemplateTest, ASingleExpressionKeepsItsType) {
  EXPECT_EQ(ok("{{contract.status.ok}}"), json(200));
  EXPECT_EQ(ok("{{   contract.status.ok   }}"), json(200));
  EXPECT_EQ(ok("{{flag}}"), json(true));
  EXPECT_EQ(ok("{{items.1}}"), json({{"id", "plat-alpha-2"}}));
  EXPECT_EQ(ok("{{ 42 }}"), json(42));
}

TEST_F(TemplateTest, TextAroundExpressionsSplices) {
  EXPECT_EQ(ok("{{gateway}}/api/{{items.0.id}}"), json("http://127.0.0.1:8080/api/plat-alpha-1"));
  EXPECT_EQ(ok("status {{contract.status.ok}}!"), json("status 200!"));
  EXPECT_EQ(ok("x={{items.0}}"), json("x={\"id\":\"plat-alpha-1\"}"));
  EXPECT_EQ(ok(" {{flag}}"), json(" true"));
}

TEST_F(TemplateTest, RenderTextAlwaysSplices) {
  auto r = render_text("{{contract.status.ok}}", scope, loc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "200");
}

// A request's header or form value names its place below the request; the pointer is escaped.
TEST_F(TemplateTest, ATextBelowALocationNamesItsOwnPointerOnlyInAnError) {
  const Loc request{"scenarios/x.yaml", 7, "/scenarios/0/steps/1/request"};
  auto r = render_text("{{gateway}}/a", scope, request, {"headers", "X-A/b~c"}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "http://127.0.0.1:8080/a");
  auto e = render_text("x {{nope}}", scope, request, {"headers", "X-A/b~c"}, {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().where.file, "scenarios/x.yaml");
  EXPECT_EQ(e.error().where.line, 7);
  EXPECT_EQ(e.error().where.pointer, "/scenarios/0/steps/1/request/headers/X-A~1b~0c");
  EXPECT_EQ(e.error().message, "undefined variable 'nope' in \"x {{nope}}\"");
  auto syntax = render_text("{{ 'open }}", scope, request, {"url"}, {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().where.pointer, "/scenarios/0/steps/1/request/url");
}

// Members without a template are copied as they are; those with one, at any depth, are rendered
// and name their own place in an error.
TEST_F(TemplateTest, PlainMembersBesideTemplatedOnesStayAndErrorsNameTheMember) {
  json in = {{"a", "plain {x}"}, {"n", 3}, {"z", json::array({"{{gateway}}", "no", 1.5, false})}};
  EXPECT_EQ(ok(in), json({{"a", "plain {x}"}, {"n", 3}, {"z", {"http://127.0.0.1:8080", "no", 1.5, false}}}));
  auto r = render(json({{"ok", "fine"}, {"deep", json::array({"x", {{"k", "{{nope}}"}}})}}), scope, loc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where.pointer, "/scenarios/0/steps/1/request/url/deep/1/k");
  EXPECT_EQ(r.error().where.file, loc.file);
  EXPECT_EQ(r.error().where.line, loc.line);
  // A key's mistake names the object holding it; a token is escaped.
  auto key = render(json({{"a/b", {{"c~", {{"{{nope}}", 1}}}}}}), scope, loc);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().where.pointer, "/scenarios/0/steps/1/request/url/a~1b/c~0");
  auto top = render(json("{{nope}}"), scope, loc);
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().where.pointer, loc.pointer);
}

// A step reads a spec without templates as it is; one template anywhere, a key included, is seen.
TEST(HoldsTemplate, FindsATemplateAtAnyDepthKeysIncluded) {
  EXPECT_FALSE(holds_template(json({{"status", 200}, {"json", {{{"pointer", "/a"}, {"equals", "x } {"}}}}})));
  EXPECT_FALSE(holds_template(json(nullptr)));
  EXPECT_TRUE(holds_template(json("{{x}}")));
  EXPECT_TRUE(holds_template(json({{"a", {1, {{"b", "at {{ x }}"}}}}})));
  EXPECT_TRUE(holds_template(json({{"a", {{"{{contract.headers.vary}}", "plain"}}}})));
}

TEST_F(TemplateTest, PlainStringsAndLoneBracesStayAsTheyAre) {
  EXPECT_EQ(ok("no template } here }}"), json("no template } here }}"));
  EXPECT_EQ(ok("{{ '{{' }}literal{{ \"}}\" }}"), json("{{literal}}"));
}

TEST_F(TemplateTest, ObjectsAndArraysRenderEveryStringIncludingKeys) {
  json in = {{"{{contract.headers.tenant}}", "{{contract.status.ok}}"}, {"list", {"{{gateway}}", 5, nullptr}}};
  json want = {{"X-StellaOps-Tenant", 200}, {"list", {"http://127.0.0.1:8080", 5, nullptr}}};
  EXPECT_EQ(ok(in), want);
}

TEST_F(TemplateTest, InnerScopesShadowOuterOnes) {
  Scope inner(&scope);
  inner.set("gateway", "http://inner");
  auto r = render(json("{{gateway}} {{contract.status.ok}}"), inner, loc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, json("http://inner 200"));
  EXPECT_TRUE(inner.defines("contract"));
  EXPECT_FALSE(inner.defines("nothing"));
}

TEST(ScopeLayer, AVariableSetAgainKeepsItsPlaceAndSetAndReferReplaceEachOther) {
  Scope scope;
  scope.set("seen", "first");
  const json* seen = scope.lookup("seen");
  ASSERT_NE(seen, nullptr);
  for (int i = 0; i < 64; ++i) scope.set("v" + std::to_string(i), i);  // the layer grows
  scope.set("seen", "second");
  EXPECT_EQ(scope.lookup("seen"), seen);  // a pointer read earlier reads the value set since
  EXPECT_EQ(*seen, json("second"));
  EXPECT_EQ(*scope.lookup("v63"), json(63));

  const json profile = {{"status", {{"ok", 200}}}, {"list", {"a", "b"}}};
  scope.refer("seen", profile);  // a referred value replaces the one set
  EXPECT_EQ(scope.lookup("seen.status.ok"), &profile["status"]["ok"]);
  EXPECT_EQ(*scope.lookup(std::vector<std::string>{"seen", "list", "1"}), json("b"));
  EXPECT_EQ(scope.lookup("seen.list.2"), nullptr);
  EXPECT_EQ(scope.lookup("seen.list.x"), nullptr);
  EXPECT_EQ(scope.lookup("seen.status.ok.deeper"), nullptr);
  scope.set("seen", "third");  // and a value set replaces the referred one
  EXPECT_EQ(*scope.lookup("seen"), json("third"));
  EXPECT_EQ(profile["status"]["ok"], json(200));  // the referred value was read, never written

  Scope inner(&scope);
  EXPECT_EQ(*inner.lookup("seen"), json("third"));
  inner.refer("seen", profile);  // an inner layer shadows, the outer keeps its own
  EXPECT_EQ(*inner.lookup("seen.status.ok"), json(200));
  EXPECT_EQ(*scope.lookup("seen"), json("third"));
  EXPECT_TRUE(inner.defines("v0"));
  EXPECT_FALSE(inner.defines("v64"));
}

TEST_F(TemplateTest, AnUndefinedVariableIsAnInputErrorAtTheLocation) {
  Error e = err("{{foo}}");
  EXPECT_EQ(e.kind, ErrorKind::input);
  EXPECT_EQ(e.where.file, "scenarios/x.yaml");
  EXPECT_EQ(e.where.line, 7);
  EXPECT_EQ(e.where.pointer, "/scenarios/0/steps/1/request/url");
  EXPECT_EQ(e.message, "undefined variable 'foo' in \"{{foo}}\"");
  EXPECT_THAT(err("a {{contract.status.missing}}").message, HasSubstr("'contract.status.missing'"));
  EXPECT_THAT(err("{{items.9}}").message, HasSubstr("undefined variable 'items.9'"));
}

TEST_F(TemplateTest, SyntaxErrorsNameTheProblem) {
  EXPECT_THAT(err("{{ gateway").message, HasSubstr("unterminated"));
  EXPECT_THAT(err("{{ sha256(gateway }}").message, HasSubstr("expected ',' or ')'"));
  EXPECT_THAT(err("{{ 'open }}").message, HasSubstr("unterminated string"));
  EXPECT_THAT(err("{{ }}").message, HasSubstr("unexpected '}'"));
  EXPECT_THAT(err("{{ a b }}").message, HasSubstr("expected \"}}\""));
  EXPECT_EQ(err("{{ a b }}").where.line, 7);
}

TEST_F(TemplateTest, UnknownFunctionsAndWrongArgumentCountsAreErrors) {
  EXPECT_THAT(err("{{ nope() }}").message, HasSubstr("unknown function 'nope' (known: uuid, random"));
  EXPECT_THAT(err("{{ sha256() }}").message, HasSubstr("sha256(x) called with 0"));
}

TEST_F(TemplateTest, EnvReadsTheEnvironmentAndRegistersASecret) {
  ::setenv("TC_TEMPLATE_TEST_SECRET", "s3cr3t-value-123", 1);
  EXPECT_EQ(ok("{{env.TC_TEMPLATE_TEST_SECRET}}"), json("s3cr3t-value-123"));
  EXPECT_EQ(global_redactor().apply("pw=s3cr3t-value-123"), "pw=" + std::string(kRedacted));
  ::unsetenv("TC_TEMPLATE_TEST_UNSET");
  EXPECT_THAT(err("{{env.TC_TEMPLATE_TEST_UNSET}}").message,
              HasSubstr("environment variable TC_TEMPLATE_TEST_UNSET is not set"));
}

TEST(TemplateVariables, ListsTheFirstSegmentOfEveryVariableOnce) {
  Loc loc{"f.yaml", 3, "/a"};
  auto v = template_variables(json("{{a.b}} {{ sha256(c) }} {{ basic_credentials(a, 'x') }} {{ now(-60) }} {{ '{{' }}"), loc);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (std::vector<std::string>{"a", "c"}));
  auto nested = template_variables(json{{"{{k}}", {"{{x.y}}", 1}}}, loc);
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(*nested, (std::vector<std::string>{"k", "x"}));
  auto paths = template_paths("{{contract.status.ok}}-{{pk.verifier}}", loc);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, (std::vector<std::string>{"contract.status.ok", "pk.verifier"}));
  auto bad = template_variables("{{ a(", loc);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where.line, 3);
  EXPECT_FALSE(template_variables("{{ unknown_fn(a) }}", loc).ok());
}

TEST(TemplateFunctionNames, ListsTheTable) {
  auto names = template_function_names();
  for (const char* n : {"uuid", "random", "now", "sha256", "base64url", "pkce", "basic_credentials", "token_alg_none",
                        "token_unknown_kid", "token_hs256_public", "token_tampered", "json"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

}  // namespace
}  // namespace tc
