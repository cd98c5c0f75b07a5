// H1: the tenant a request's host names, read from seed 004's rules (fixtures/seed-004/tenancy.yaml):
// the order of the sources, X-Forwarded-Host only from a trusted proxy, the placeholder for a slug no
// tenant has, no tenant for hosts that are not one label under the base domain; and each fault of H1
// and H2 that this resolution carries, switched on, answering otherwise.
#include "stubs/gateway/host_tenant.h"

#include <gtest/gtest.h>

#include "stub_world.h"

namespace tc::stub::gateway {
namespace {

struct Seed004 : testing::PlatformWorld {
  Seed004() : PlatformWorld("seed-004") {}

  std::optional<HostTenant> resolve(std::vector<std::pair<std::string, std::string>> headers,
                                    const std::string& peer = "127.0.0.1:40000", HostOptions options = {}) const {
    Headers h;
    for (auto& [name, value] : headers) h.add(name, value);
    return resolve_host(h, peer, profile, tenancy, options).tenant;
  }
};

const Seed004& world() {
  static const Seed004 w;
  return w;
}

TEST(HostOf, TheHostPartOfAHeaderValue) {
  EXPECT_EQ(host_of("Alpha.Afilmory.test:8080"), "alpha.afilmory.test");
  EXPECT_EQ(host_of("https://alpha.afilmory.test/dashboard?x=1"), "alpha.afilmory.test");
  EXPECT_EQ(host_of("http://user@alpha.afilmory.test:80"), "alpha.afilmory.test");
  EXPECT_EQ(host_of(" alpha.afilmory.test "), "alpha.afilmory.test");
  EXPECT_EQ(host_of("[::1]:8080"), "[::1]");
  EXPECT_EQ(host_of("null"), "null");  // an opaque Origin names no tenant host
  EXPECT_EQ(host_of(""), "");
}

TEST(HostLabel, OneLowerCaseDnsLabel) {
  const std::vector<std::string> good = {"alpha", "a", "a-1", "0day", std::string(63, 'x')};
  for (const auto& ok : good) EXPECT_TRUE(is_host_label(ok)) << ok;
  const std::vector<std::string> bad = {"", "-a", "a-", "Alpha", "a.b", "a/b", "a b", "\xc3\xa9", std::string(64, 'x')};
  for (const auto& b : bad) EXPECT_FALSE(is_host_label(b)) << b;
}

TEST(PeerAddress, WithoutItsPort) {
  EXPECT_EQ(peer_address("127.0.0.2:5123"), "127.0.0.2");
  EXPECT_EQ(peer_address("[::1]:80"), "::1");
  EXPECT_EQ(peer_address("::1"), "::1");
  EXPECT_EQ(peer_address("10.0.0.1"), "10.0.0.1");
}

TEST(HostTenant, TheHostNamesTheTenantBySlug) {
  auto t = world().resolve({{"Host", "alpha.afilmory.test:8080"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, "tnt_alpha01");
  EXPECT_EQ(t->slug, "alpha");
  EXPECT_FALSE(t->placeholder);
  EXPECT_EQ(world().resolve({{"host", "BRAVO.afilmory.test"}})->id, "tnt_bravo02");
}

TEST(HostTenant, OriginBeforeHostAndTheTrustedProxysForwardedHostBeforeBoth) {
  EXPECT_EQ(world().resolve({{"Host", "alpha.afilmory.test"}, {"Origin", "http://bravo.afilmory.test"}})->slug, "bravo");
  const std::vector<std::pair<std::string, std::string>> forwarded = {
      {"Host", "alpha.afilmory.test"}, {"Origin", "http://alpha.afilmory.test"}, {"X-Forwarded-Host", "bravo.afilmory.test, proxy.internal"}};
  EXPECT_EQ(world().resolve(forwarded, "127.0.0.2:41000")->slug, "bravo");
  EXPECT_EQ(world().resolve(forwarded, "127.0.0.1:41000")->slug, "alpha") << "not a trusted proxy: skipped";
}

TEST(HostTenant, TheHostReadIsKeptBesideItsTenant) {
  Headers h;
  h.add("Host", "gateway.internal:8080");
  h.add("X-Forwarded-Host", "AUTH.afilmory.test");
  auto behind_proxy = resolve_host(h, "127.0.0.2:4000", world().profile, world().tenancy);
  EXPECT_EQ(behind_proxy.host, "auth.afilmory.test");  // the OAuth gateway's host: no tenant of its own
  EXPECT_FALSE(behind_proxy.tenant);
  EXPECT_EQ(resolve_host(h, "127.0.0.1:4000", world().profile, world().tenancy).host, "gateway.internal");
}

TEST(HostTenant, AnUnknownSlugIsThePlaceholderWithTheRequestedSlugKept) {
  auto t = world().resolve({{"Host", "newcomer.afilmory.test"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, "tnt_placeholder");
  EXPECT_EQ(t->slug, "newcomer");
  EXPECT_TRUE(t->placeholder);
}

TEST(HostTenant, HostsThatAreNotOneLabelUnderTheBaseDomainNameNoTenant) {
  for (const char* host : {"afilmory.test", "auth.afilmory.test", "alpha.elsewhere.test", "deep.alpha.afilmory.test",
                           "-bad.afilmory.test", "evilafilmory.test", ".afilmory.test", ""})
    EXPECT_FALSE(world().resolve({{"Host", host}})) << host;
  EXPECT_FALSE(world().resolve({})) << "no source at all";
  // The first source present decides: an Origin of another site is not passed over for the Host.
  EXPECT_FALSE(world().resolve({{"Host", "alpha.afilmory.test"}, {"Origin", "https://evil.example"}}));
}

TEST(HostTenant, TheFaultsAnswerOtherwise) {
  HostOptions any_peer;
  any_peer.trust_any_peer = true;
  EXPECT_EQ(world().resolve({{"Host", "alpha.afilmory.test"}, {"X-Forwarded-Host", "bravo.afilmory.test"}}, "127.0.0.1:1", any_peer)->slug,
            "bravo");
  HostOptions host_first;
  host_first.host_first = true;
  EXPECT_EQ(world().resolve({{"Host", "alpha.afilmory.test"}, {"Origin", "http://bravo.afilmory.test"}}, "127.0.0.1:1", host_first)->slug,
            "alpha");
  HostOptions own_slug;
  own_slug.placeholder_keeps_own_slug = true;
  EXPECT_EQ(world().resolve({{"Host", "newcomer.afilmory.test"}}, "127.0.0.1:1", own_slug)->slug, "placeholder");
}

TEST(HostTenant, APlatformWithoutHostRulesHasNoHostTenant) {
  auto reference = testing::loaded(Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/reference"));
  Headers h;
  h.add("Host", "alpha.afilmory.test");
  EXPECT_FALSE(resolve_host(h, "127.0.0.1:1", world().profile, reference).tenant);
}

}  // namespace
}  // namespace tc::stub::gateway
