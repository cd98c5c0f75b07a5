// The gateway under seed 004's rules (fixtures/seed-004: the tenant named by the host, a placeholder
// tenant, sign-in through a central OAuth gateway, cookie sessions), in process over real sockets,
// driven as a browser drives it (a cookie jar, tenant host names routed to loopback, redirects
// followed): every gateway fault of an H clause is probed here — the healthy gateway answers as the
// contract says, the faulty one otherwise.
#include <functional>
#include <set>

#include "fault_probes.h"

namespace tc::testing {
namespace {

// One browser: its own cookie jar; every host of the platform routed to the gateway.
class Browser {
 public:
  explicit Browser(const std::string& gateway) : gateway_(gateway) {}
  HttpResponse get(const std::string& url, std::vector<Headers::Entry> headers = {}, bool follow = false,
                   const std::string& source = "") {
    HttpRequest r;
    r.url = url;
    r.follow_redirects = follow;
    r.cookies = &jar_;
    r.source_address = source;
    r.timeout_ms = 15000;
    for (const char* host : {"alpha", "bravo", "newcomer", "placeholder", "auth"})
      r.hosts.push_back({std::string(host) + ".afilmory.test", gateway_});
    for (auto& [n, v] : headers) r.headers.add(n, v);
    auto got = client_.send(r);
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().to_string());
    return got.ok() ? *got : HttpResponse{};
  }
  // Signs `login` in on `slug`'s host, landing on the session endpoint: the final answer.
  HttpResponse sign_in(const std::string& slug, const std::string& login) {
    return get("http://" + slug + ".afilmory.test/api/auth/social/github?login_hint=" + login +
                   "&callbackURL=/api/auth/session",
               {}, true);
  }
  std::string cookie(const std::string& host, const std::string& name) const {
    for (const auto& c : jar_.for_host(host))
      if (c.name == name) return c.value;
    return "";
  }

 private:
  std::string gateway_;
  HttpClient client_;
  CookieJar jar_;
};

std::string host_of_url(const std::string& url) {
  auto hp = url_host_port(url);
  return hp ? hp->host : "";
}

class GatewayHosts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stubs_ = new PlatformStubs("seed-004", "photos"); }
  static void TearDownTestSuite() { delete stubs_; }
  static std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {}) {
    return stubs_->start_gateway(std::move(faults));
  }

  static std::vector<FaultProbe> cases() {
    auto slug = [](const HttpResponse& r) { return r.headers.get("x-tenant-slug").value_or("<none>"); };
    const std::string status_url = "http://alpha.afilmory.test/api/status";
    return {
        {"gateway.forwarded_host_from_any_caller", "alpha",
         [=](ServedStub& gw) { return slug(Browser(gw.url()).get(status_url, {{"X-Forwarded-Host", "bravo.afilmory.test"}})); }},
        {"gateway.host_before_origin", "bravo",
         [=](ServedStub& gw) { return slug(Browser(gw.url()).get(status_url, {{"Origin", "http://bravo.afilmory.test"}})); }},
        {"gateway.placeholder_reports_own_slug", "newcomer",
         [=](ServedStub& gw) { return slug(Browser(gw.url()).get("http://newcomer.afilmory.test/api/status")); }},
        {"gateway.placeholder_serves_data", "404",
         [=](ServedStub& gw) {
           Browser b(gw.url());
           b.sign_in("newcomer", "nia@newcomer.test");
           return std::to_string(b.get("http://newcomer.afilmory.test/api/photos").status);
         }},
        {"gateway.oauth_slug_lost", "200 newcomer.afilmory.test",
         [=](ServedStub& gw) {
           auto r = Browser(gw.url()).sign_in("newcomer", "nia@newcomer.test");
           return std::to_string(r.status) + " " + host_of_url(r.effective_url);
         }},
        {"gateway.oauth_state_unchecked", "400 no session",
         [=](ServedStub& gw) {
           Browser b(gw.url());
           auto start = b.get("http://alpha.afilmory.test/api/auth/social/github?login_hint=ava@alpha.test");
           auto issued = b.get(start.headers.get("Location").value_or(""));
           const std::string location = issued.headers.get("Location").value_or("");
           const auto at = location.find("code=");
           const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
           auto r = b.get("http://alpha.afilmory.test/api/auth/callback/github?code=" + code + "&state=forged");
           return std::to_string(r.status) +
                  (b.cookie("alpha.afilmory.test", "better-auth.session_token").empty() ? " no session" : " a session");
         }},
        {"gateway.session_any_tenant_host", "401",
         [=](ServedStub& gw) {
           Browser b(gw.url());
           b.sign_in("alpha", "ava@alpha.test");
           const std::string session = b.cookie("alpha.afilmory.test", "better-auth.session_token");
           Browser other(gw.url());
           return std::to_string(
               other.get("http://bravo.afilmory.test/api/photos", {{"Cookie", "better-auth.session_token=" + session}}).status);
         }},
        {"gateway.session_payload_two_slugs", "3",
         [=](ServedStub& gw) {
           auto r = Browser(gw.url()).sign_in("alpha", "ava@alpha.test");
           auto body = json::parse(r.body, nullptr, false);
           return body.is_object() && body.contains("tenant") ? std::to_string(body["tenant"].size()) : r.body;
         }},
    };
  }

  static inline PlatformStubs* stubs_ = nullptr;
};

TEST_F(GatewayHosts, EveryGatewayFaultOfAnHClauseHasAProbe) { expect_every_fault_probed(cases(), 'H'); }

TEST_F(GatewayHosts, HealthyGatewayAnswersAsTheContractSays) {
  expect_healthy(start_gateway, cases());
}

TEST_F(GatewayHosts, EachFaultBreaksItsClause) { expect_each_fault_breaks(start_gateway, cases()); }

TEST_F(GatewayHosts, TheTrustedProxysForwardedHostIsBelieved) {
  auto gw = start_gateway();
  Browser b(gw->url());
  auto r = b.get("http://alpha.afilmory.test/api/status", {{"X-Forwarded-Host", "bravo.afilmory.test"}}, false, "127.0.0.2");
  EXPECT_EQ(r.headers.get("x-tenant-id"), "tnt_bravo02");
}

TEST_F(GatewayHosts, TheSignInRoundTripIsRecordedAndItsCookiesAreHostOnly) {
  auto gw = start_gateway();
  Browser b(gw->url());
  auto r = b.sign_in("alpha", "ava@alpha.test");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.hops.size(), 5u);
  EXPECT_EQ(host_of_url(r.hops[2].url), "auth.afilmory.test");  // the provider sent the browser to the OAuth gateway
  EXPECT_EQ(host_of_url(r.hops[3].url), "alpha.afilmory.test");  // which sent it back to the tenant's host
  auto body = json::parse(r.body, nullptr, false);
  EXPECT_EQ(body["tenant"], (json{{"id", "tnt_alpha01"}, {"slug", "alpha"}, {"isPlaceholder", false}}));
  EXPECT_EQ(body["user"]["id"], "usr-ava");
  EXPECT_FALSE(b.cookie("alpha.afilmory.test", "better-auth.session_token").empty());
  EXPECT_TRUE(b.cookie("bravo.afilmory.test", "better-auth.session_token").empty());
  EXPECT_TRUE(b.cookie("auth.afilmory.test", "better-auth.session_token").empty());
  EXPECT_TRUE(b.cookie("alpha.afilmory.test", "better-auth.state").empty()) << "the state cookie is cleared";
  EXPECT_NE(body["session"]["id"], b.cookie("alpha.afilmory.test", "better-auth.session_token"));
  auto created = gw->audit().query("", "session.created");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]["resolved_tenant"], "tnt_alpha01");
  EXPECT_EQ(created[0]["actor"]["sub"], "usr-ava");
}

}  // namespace
}  // namespace tc::testing
