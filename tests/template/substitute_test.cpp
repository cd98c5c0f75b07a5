// Binding include parameters into templates at load time.
#include "harness/template/substitute.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tc {
namespace {

using ::testing::HasSubstr;

class SubstituteTest : public ::testing::Test {
 protected:
  json sub(const json& node) {
    auto r = substitute_params(node, params, loc);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? *r : json();
  }
  std::map<std::string, json> params{{"user", "bea"},
                                     {"password", "{{ env.BEA_PW }}"},
                                     {"code", 404},
                                     {"tok", "{{token_step.access}}"},
                                     {"mixed", "a-{{x}}"},
                                     {"obj", json{{"id", "x-1"}}}};
  Loc loc{"steps/login.yaml", 4, "/steps/0"};
};

TEST_F(SubstituteTest, AWholeParameterBecomesThePassedValueWithItsType) {
  EXPECT_EQ(sub("{{user}}"), json("bea"));
  EXPECT_EQ(sub("{{ code }}"), json(404));
  EXPECT_EQ(sub("{{password}}"), json("{{ env.BEA_PW }}"));
  EXPECT_EQ(sub("{{obj.id}}"), json("x-1"));
  EXPECT_EQ(sub("{{tok.claims}}"), json("{{ token_step.access.claims }}"));
}

TEST_F(SubstituteTest, TextSplicesThePassedTemplate) {
  EXPECT_EQ(sub("user={{user}}&pw={{password}}"), json("user=bea&pw={{ env.BEA_PW }}"));
  EXPECT_EQ(sub("{{gateway}}/x/{{code}}"), json("{{ gateway }}/x/404"));
  EXPECT_EQ(sub("m {{mixed}}"), json("m a-{{x}}"));
}

TEST_F(SubstituteTest, ArgumentsBecomeExpressions) {
  EXPECT_EQ(sub("{{ basic_credentials(user, password) }}"), json("{{ basic_credentials(\"bea\", env.BEA_PW) }}"));
  EXPECT_EQ(sub("{{ now(code) }}"), json("{{ now(404) }}"));
  EXPECT_EQ(sub("{{ sha256(other) }}"), json("{{ sha256(other) }}"));
}

TEST_F(SubstituteTest, KeysNestedValuesAndLiteralBracesSurvive) {
  json in = {{"{{user}}-h", {"{{code}}", "keep {{ '{{' }}"}}};
  EXPECT_EQ(sub(in), (json{{"bea-h", {404, "keep {{ '{{' }}"}}}));
  EXPECT_EQ(sub(json(7)), json(7));
}

TEST_F(SubstituteTest, UnrewritableUsesAreErrorsAtTheLocation) {
  auto r = substitute_params(json("{{ sha256(mixed) }}"), params, loc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where.line, 4);
  EXPECT_THAT(r.error().message, HasSubstr("cannot be a function argument"));
  auto m = substitute_params(json("{{ user.name }}"), params, loc);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("has no member 'name'"));
}

}  // namespace
}  // namespace tc
