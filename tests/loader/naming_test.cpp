// GoogleTest names of scenario cases: filter-safe, from the path under the root, matrix suffixes.
#include "harness/loader/naming.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/loader/expectation_registry.h"
#include "harness/loader/scenario_loader.h"

namespace tc {
namespace {

using ::testing::HasSubstr;

const std::string kData = std::string(TC_SOURCE_DIR) + "/tests/loader/data";

Scenario scenario(std::string file, std::string name, int line) {
  Scenario s;
  s.file = std::move(file);
  s.name = std::move(name);
  s.loc = Loc{s.file, line, "/scenarios/0"};
  return s;
}

TEST(FilterSafe, MapsEveryCharacterOutsideAlphanumericsToUnderscore) {
  EXPECT_EQ(filter_safe("signin/pkce-flow"), "signin_pkce_flow");
  EXPECT_EQ(filter_safe("a.b:c*d?e-f g"), "a_b_c_d_e_f_g");
  EXPECT_EQ(filter_safe("Tenant Übersicht"), "Tenant___bersicht");  // UTF-8 bytes each become '_'
  EXPECT_EQ(filter_safe(""), "_");
  EXPECT_EQ(filter_safe("plain09"), "plain09");
}

TEST(SuiteName, IsThePathUnderTheRootWithoutExtension) {
  EXPECT_EQ(suite_name_for("scenarios/signin/pkce-flow.yaml", {"scenarios"}), "signin_pkce_flow");
  EXPECT_EQ(suite_name_for("scenarios/signin/pkce-flow.yaml", {"scenarios/"}), "signin_pkce_flow");
  EXPECT_EQ(suite_name_for("scenarios/gateway/override.json", {"other", "scenarios"}), "gateway_override");
  EXPECT_EQ(suite_name_for("scenarios/signin/pkce-flow.yaml", {"scenarios/signin/pkce-flow.yaml"}), "pkce_flow");
}

TEST(ExpandCases, OneCasePerScenarioAndPerMatrixRow) {
  register_expectation_kind({"status", nullptr});
  register_expectation_kind({"json", nullptr});
  ::setenv("TC_LOADER_TEST_PW", "pw-of-ada", 1);
  auto loaded = load_scenarios({kData + "/good"}, LoadOptions{.include_roots = {kData}});  // good/ includes ../steps/
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  auto cases = expand_cases(*loaded, {kData + "/good"});
  ASSERT_TRUE(cases.ok()) << cases.error().to_string();
  std::vector<std::string> names;
  for (const auto& c : *cases) names.push_back(c.suite_name + "." + c.test_name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "selection.json_scenario",
                       "signin_pkce_flow.PKCE_code_flow_selects_the_bound_tenant",
                       "signin_pkce_flow.selection_by_user/bea_tenant_bravo",
                       "signin_pkce_flow.selection_by_user/ada_tenant_alpha",
                   }));
  EXPECT_TRUE((*cases)[0].row.is_null());
  EXPECT_EQ((*cases)[3].row, (json{{"user", "ada"}, {"tenant", "tenant-alpha"}}));
  EXPECT_EQ((*cases)[3].scenario, &loaded->at(2));
}

TEST(ExpandCases, NamesThatCollideAfterMappingAreAnErrorNamingBoth) {
  std::vector<Scenario> s{scenario("sc/a.yaml", "tenant-alpha reads", 2), scenario("sc/a.yaml", "tenant alpha reads", 9)};
  auto cases = expand_cases(s, {"sc"});
  ASSERT_FALSE(cases.ok());
  EXPECT_EQ(cases.error().kind, ErrorKind::input);
  EXPECT_EQ(cases.error().where.line, 9);
  EXPECT_THAT(cases.error().message, HasSubstr("'a.tenant_alpha_reads'"));
  EXPECT_THAT(cases.error().message, HasSubstr("'tenant alpha reads'"));
  EXPECT_THAT(cases.error().message, HasSubstr("'tenant-alpha reads' at sc/a.yaml:2"));
}

TEST(ExpandCases, MatrixRowsThatMapToTheSameSuffixCollide) {
  Scenario s = scenario("sc/m.yaml", "m", 2);
  s.matrix = {json{{"t", "a-b"}}, json{{"t", "a b"}}};
  s.matrix_keys = {"t"};
  auto cases = expand_cases({s}, {"sc"});
  ASSERT_FALSE(cases.ok());
  EXPECT_THAT(cases.error().message, HasSubstr("m.m/a_b"));
}

}  // namespace
}  // namespace tc
