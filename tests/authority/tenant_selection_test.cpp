// A5 tenant selection at the token endpoint, every branch, for users (password grant) and clients
// (client_credentials), with the A6 tenant and allowed-tenants claims it produces.
#include <gtest/gtest.h>

#include "authority_server.h"

namespace tc::test {
namespace {

struct Case {
  std::string principal;               // username, or client_id when `client`
  bool client;
  std::optional<std::string> tenant;   // the tenant parameter
  std::string error;                   // profile errors key, empty when a token is issued
  std::optional<std::string> selected; // the tenant claim
  std::vector<std::string> allowed;    // the allowed-tenants claim (absent when empty)
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.principal << " tenant=" << c.tenant.value_or("(none)");
}

class AuthorityTenantSelection : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() { server_ = new AuthorityServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static AuthorityServer* server_;
};
AuthorityServer* AuthorityTenantSelection::server_ = nullptr;

TEST_P(AuthorityTenantSelection, SelectsDeterministically) {
  const Case& c = GetParam();
  const auto& p = server_->profile();
  const auto r = c.client ? server_->client_credentials(c.principal, c.tenant) : server_->password(c.principal, c.tenant);
  if (!c.error.empty()) {
    EXPECT_EQ(r.status, p.status("oauth_error")) << r.body;
    EXPECT_EQ(body_of(r)["error"], p.error(c.error));
    return;
  }
  ASSERT_EQ(r.status, 200) << r.body;
  const json claims = jwt_payload(body_of(r)["access_token"]);
  if (c.selected) {
    EXPECT_EQ(claims.value(p.claim("tenant"), json()), *c.selected);
  } else {
    EXPECT_FALSE(claims.contains(p.claim("tenant"))) << claims.dump();
  }
  if (c.allowed.empty()) {
    EXPECT_FALSE(claims.contains(p.claim("allowed_tenants"))) << claims.dump();
  } else {
    EXPECT_EQ(claims.value(p.claim("allowed_tenants"), json()), json(c.allowed));
  }
  EXPECT_EQ(claims[p.claim("subject")], c.client ? c.principal : "user-" + c.principal);
}

const std::vector<std::string> kAlphaBravo = {"tenant-alpha", "tenant-bravo"};
const std::vector<std::string> kAlphaCharlie = {"tenant-alpha", "tenant-charlie"};

INSTANTIATE_TEST_SUITE_P(
    Users, AuthorityTenantSelection,
    ::testing::Values(
        Case{"ada", false, {}, "", "tenant-alpha", {}},                     // one assignment
        Case{"ada", false, "tenant-alpha", "", "tenant-alpha", {}},         // parameter inside
        Case{"ada", false, "tenant-bravo", "tenant_forbidden", {}, {}},     // parameter outside
        Case{"bea", false, {}, "", "tenant-alpha", kAlphaBravo},            // default among several
        Case{"bea", false, "tenant-bravo", "", "tenant-bravo", kAlphaBravo},
        Case{"cal", false, {}, "tenant_ambiguous", {}, {}},                 // several, no default
        Case{"cal", false, "tenant-bravo", "", "tenant-bravo", kAlphaBravo},
        Case{"cal", false, "tenant-charlie", "tenant_forbidden", {}, {}},
        Case{"dee", false, {}, "", {}, {}},                                 // no assignment: no claim
        Case{"dee", false, "tenant-alpha", "tenant_forbidden", {}, {}},
        Case{"rex", false, {}, "", "tenant-bravo", {}},
        Case{"rex", false, "TENANT-BRAVO", "tenant_forbidden", {}, {}}));  // ids compare exactly

INSTANTIATE_TEST_SUITE_P(
    Clients, AuthorityTenantSelection,
    ::testing::Values(
        Case{"svc-alpha", true, {}, "", "tenant-alpha", {}},
        Case{"svc-alpha", true, "tenant-bravo", "tenant_forbidden", {}, {}},
        Case{"svc-multi", true, {}, "", "tenant-bravo", kAlphaBravo},
        Case{"svc-multi", true, "tenant-alpha", "", "tenant-alpha", kAlphaBravo},
        Case{"svc-ambiguous", true, {}, "tenant_ambiguous", {}, {}},
        Case{"svc-ambiguous", true, "tenant-charlie", "", "tenant-charlie", kAlphaCharlie},
        Case{"svc-none", true, {}, "", {}, {}},
        Case{"svc-none", true, "tenant-alpha", "tenant_forbidden", {}, {}}));

}  // namespace
}  // namespace tc::test
