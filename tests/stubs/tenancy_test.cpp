// The tenancy rules a platform declares (stubs/tenancy.h): seed 003's file read as data, no file as
// every rule off, and mistakes named with file, line and pointer.
#include "stubs/tenancy.h"

#include <string>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace tc::stub {
namespace {

const std::string kSeed003 = std::string(TC_SOURCE_DIR) + "/fixtures/seed-003";

TEST(Tenancy, Seed003DeclaresTiersLifecycleAndIdempotentPut) {
  auto t = Tenancy::load(kSeed003);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_TRUE(t->rate_limited());
  EXPECT_TRUE(t->lifecycle());
  EXPECT_TRUE(t->refused("7972938e-715d-4cc2-9a18-4420b3b022dc"));   // locked
  EXPECT_TRUE(t->refused("fc4aea6d-a1aa-43c1-ae17-1313896537e1"));   // offboarded
  EXPECT_FALSE(t->refused("1a965411-6331-4f08-8c16-5385cb99935c"));  // active
  EXPECT_FALSE(t->refused("not-a-tenant-of-the-file"));
  ASSERT_TRUE(t->limit("b135c74a-fe96-48dd-be8e-a714cb4876ce"));
  EXPECT_EQ(t->limit("b135c74a-fe96-48dd-be8e-a714cb4876ce")->requests, 3);  // the standard tier's
  EXPECT_EQ(t->limit("22bfafe3-5af7-48c2-bbae-94c4b3ebd843")->requests, 5);  // negotiated over enterprise's 1000
  EXPECT_EQ(t->tier("22bfafe3-5af7-48c2-bbae-94c4b3ebd843"), "enterprise");
  EXPECT_FALSE(t->limit("not-a-tenant-of-the-file"));
  EXPECT_EQ(t->idempotent_methods, (std::set<std::string>{"POST", "PUT"}));
}

TEST(Tenancy, WithoutTheFileEveryRuleIsOff) {
  auto t = Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/reference");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_FALSE(t->rate_limited());
  EXPECT_FALSE(t->lifecycle());
  EXPECT_FALSE(t->refused("tenant-alpha"));
  EXPECT_EQ(t->idempotent_methods, std::set<std::string>{"POST"});
}

TEST(Tenancy, Seed004DeclaresHostsPlaceholderAndSignIn) {
  auto t = Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/seed-004");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  ASSERT_TRUE(t->hosts);
  EXPECT_EQ(t->hosts->base_domain, "afilmory.test");
  EXPECT_EQ(t->hosts->sources, (std::vector<std::string>{"forwarded_host", "origin", "host"}));
  EXPECT_EQ(t->hosts->trusted_sources, std::set<std::string>{"forwarded_host"});
  EXPECT_EQ(t->hosts->placeholder, "tnt_placeholder");
  EXPECT_EQ(t->hosts->scheme, "http");
  EXPECT_EQ(t->tenant_of_slug("alpha"), "tnt_alpha01");
  EXPECT_EQ(t->tenant_of_slug("newcomer"), "");
  EXPECT_EQ(t->tenant_of_slug(""), "");
  ASSERT_TRUE(t->sign_in);
  EXPECT_EQ(t->sign_in->client_id, "afilmory-web");
  EXPECT_FALSE(t->rate_limited());
}

TEST(Tenancy, Seed001DeclaresWorkspacesAndTheAdminSurfaces) {
  auto t = Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/seed-001");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  ASSERT_EQ(t->workspaces.size(), 2u);
  const auto& contoso = t->workspaces.at("ws-contoso");
  EXPECT_EQ(contoso.tenants, (std::vector<std::string>{"contoso-eu", "contoso-us"}));
  EXPECT_EQ(contoso.members.at("usr-olivia"), "owner");
  EXPECT_EQ(contoso.members.at("usr-eli"), "member");
  EXPECT_FALSE(contoso.members.count("usr-gus"));  // entitled to a tenant, member of no workspace
  ASSERT_TRUE(t->admin);
  EXPECT_EQ(t->admin->runs, "runs");
  EXPECT_EQ(t->admin->groups, "groups");
  EXPECT_TRUE(t->has_section(action_needs("admin_operations").section));
  EXPECT_FALSE(t->has_section(action_needs("sign_in").section));
  EXPECT_TRUE(t->has_section(action_needs("forward").section));
  EXPECT_FALSE(t->hosts);
}

TEST(Tenancy, Seed002DeclaresPlanesRolesAndPolicy) {
  auto t = Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/seed-002");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  ASSERT_TRUE(t->planes);
  EXPECT_EQ(t->planes->platform, "tenant:platform");
  EXPECT_EQ(t->planes->platform_roles, (std::set<std::string>{"platform_operator", "break_glass"}));
  EXPECT_EQ(t->roles.at("tenant:coulomb").at("usr-ada"), "tenant_admin");
  ASSERT_TRUE(t->policy);
  EXPECT_EQ(t->policy->allowed.at("policy.write"), std::set<std::string>{"break_glass"});
  ASSERT_TRUE(t->policy->break_glass);
  EXPECT_EQ(t->policy->break_glass->assurance_claim, "acr");
  EXPECT_EQ(t->policy->global["mfa_required"], true);
  EXPECT_EQ(t->local_issuer, "http://local-issuer.netkingdom.test");
  EXPECT_TRUE(t->has_section(action_needs("membership").section));
  EXPECT_EQ(action_needs("membership").params, 2u);
}

const std::string kHosts = "hosts:\n  base_domain: x.test\n  sources: [host]\n  oauth_gateway: auth.x.test\n";
const std::string kTenants = "tenants:\n  tnt_p: {slug: alpha}\n";
const std::string kAdmin = "admin:\n  runs: runs\n  groups: groups\n  navigation: [Operations]\n  tenant_navigation: [Groups]\n";

TEST(Tenancy, MistakesNameFileLineAndPointer) {
  struct Case {
    std::string text, where, message;
  };
  for (const auto& c : std::vector<Case>{
           {"rate_limits:\n  standard: {requests: 3, window: 60}\n", ":2: /rate_limits/standard/window", "unknown key 'window'"},
           {"rate_limits:\n  standard: {requests: 0, window_seconds: 60}\n", "/rate_limits/standard/requests", "expected a positive integer"},
           {"tenants:\n  t1: {tier: gold}\n", ":2: /tenants/t1/tier", "tier 'gold' has no entry in rate_limits"},
           {"lifecycle: {refused: locked}\n", "/lifecycle/refused", "expected a list"},
           {"idempotency: {}\n", "/idempotency", "missing required key 'methods'"},
           {"limits: {}\n", "/limits",
            "unknown key 'limits' (expected one of: tenants, lifecycle, rate_limits, idempotency, hosts, sign_in, workspaces, admin, roles, "
            "planes, policy, local_issuer)"},
           {kHosts + "  placeholder: tnt_none\n", "/hosts/placeholder", "the placeholder tenant 'tnt_none' has no entry in tenants"},
           {kHosts + "  placeholder: tnt_p\n  trusted_sources: [forwarded]\n" + kTenants, "/hosts/trusted_sources",
            "'forwarded' is not one of the sources"},
           {kHosts + "  placeholder: tnt_p\n  scheme: ftp\n" + kTenants, "/hosts/scheme", "expected one of: http, https"},
           {kHosts + "  placeholder: tnt_p\n" + kTenants + "  tnt_q: {slug: Alpha}\n", "/tenants/tnt_q/slug",
            "slug 'alpha' belongs to another tenant already"},
           {"sign_in: {client_id: web, providers: [github]}\n", "/sign_in", "sign_in needs hosts"},
           {kAdmin, "/admin", "admin needs workspaces"},
           {"policy: {allowed: {}}\n", "/policy", "policy needs planes"},
           {"planes: {platform: p, platform_roles: [op]}\npolicy:\n  allowed: {members.delete: [op]}\n", ":3: /policy/allowed/members.delete",
            "expected one of: members.read, members.write, policy.read, policy.write"},
           {"planes: {platform: p, platform_roles: [op]}\npolicy:\n  allowed: {}\n  break_glass: {role: op}\n", "/policy/break_glass",
            "missing required key 'assurance_claim'"},
           {"roles:\n  t1: {u1: [admin]}\n", ":2: /roles/t1/u1", "expected a string"},
           {"workspaces:\n  w1: {tenants: [t1], members: {u1: admin}}\n", ":2: /workspaces/w1/members/u1", "expected one of: owner, member"},
           {"workspaces:\n  w1: {tenants: [t1], members: {}}\n  w2: {tenants: [t1], members: {}}\n", "/workspaces/w2/tenants",
            "tenant 't1' is in workspace 'w1' already"},
           {"workspaces:\n  w1: {tenants: [t1], members: {u1: owner}}\n  w2: {tenants: [t2], members: {u1: member}}\n",
            "/workspaces/w2/members/u1", "'u1' is a member of workspace 'w1' already"},
           {"workspaces:\n  w1: {tenants: [t1], members: {u1: owner}}\n" + kAdmin + "  extra: 1\n", "/admin",
            "unknown key 'extra'"},
       }) {
    testing::TempDir s;
    s.write("tenancy.yaml", c.text);
    auto t = Tenancy::load(s.path.string());
    ASSERT_FALSE(t.ok()) << c.text;
    const std::string message = t.error().to_string();
    EXPECT_NE(message.find("tenancy.yaml"), std::string::npos) << message;
    EXPECT_NE(message.find(c.where), std::string::npos) << message;
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace tc::stub
