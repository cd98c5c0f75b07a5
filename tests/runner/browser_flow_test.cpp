// What a browser brings to a tenant-host OAuth flow, over real sockets: tenant host names routed to
// a loopback server without DNS, a cookie jar per case that follows RFC 6265 across hosts and
// redirect hops, and every hop of a followed redirect asserted and captured.
#include "common/redact.h"
#include "common/text.h"
#include "harness/runner/capture.h"
#include "harness/runner/scenario_runner.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

// The tenant's host signs in through a central gateway host and lands back on the tenant's host.
stub::Response browser_world(const stub::Request& r) {
  const std::string host = r.headers.get("Host").value_or("");
  Headers h;
  if (host == "acme.photos.test" && r.path == "/login") {
    h.add("Location", "http://auth.photos.test/authorize?tenantSlug=acme");
    h.add("Set-Cookie", "sid=acme-session-0001; Path=/; HttpOnly");          // host-only
    h.add("Set-Cookie", "shared=whole-domain-02; Domain=photos.test; Path=/");
    h.add("Set-Cookie", "api_only=scoped-to-api-03; Path=/api");
    h.add("Set-Cookie", "secure_only=over-https-04; Secure");                  // never over http
    return respond(302, "", h);
  }
  if (host == "auth.photos.test" && r.path == "/authorize") {
    h.add("Location", "http://acme.photos.test/callback?state=st-1");
    h.add("Set-Cookie", "gw=gateway-state-05");
    return respond(302, "a redirect's own body", h);
  }
  if (r.path == "/logout") h.add("Set-Cookie", "sid=gone; Max-Age=0; Path=/");
  return respond(200, json{{"host", host}, {"path", r.path}}.dump(), h);
}

StepSpec browser_step(const std::string& name, const std::string& url, std::vector<ExpectationSpec> expectations = {}) {
  StepSpec s = step(name, url, std::move(expectations));
  s.request.hosts = {{"acme.photos.test", "{{api}}"}, {"AUTH.photos.test", "{{api}}"}};
  return s;
}

StepSpec sign_in(std::vector<ExpectationSpec> expectations = {}) {
  StepSpec s = browser_step("sign in", "http://acme.photos.test/login", std::move(expectations));
  s.request.follow_redirects = true;
  return s;
}

// Every Cookie header line the request carried, joined.
std::string cookie_header(const stub::Request& r) {
  auto all = r.headers.all("Cookie");
  return all.empty() ? "(none)" : join(all, " | ");
}

TEST(BrowserFlow, CookiesFollowTheirHostsDomainsAndPathsAcrossRedirectHops) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  CookieJar jar;
  const json hops = json::array({{{"status", 302}, {"headers", {{"Location", {{"matches", "^http://auth\\.photos\\.test/"}}}}}},
                                 {{"status", 302}, {"headers", {{"Set-Cookie", {{"matches", "^gw="}}}}}},
                                 {{"status", 200}}});
  auto r = run_step(sign_in({expect("hops", hops), expect("status", 200)}), scope, *run, &jar);
  EXPECT_FALSE(r.failed()) << failures(r) << r.transcript;
  EXPECT_EQ(r.status, 200);
  auto api = browser_step("api", "http://acme.photos.test/api/me", {expect("status", 200)});
  api.request.headers = {{"Cookie", "mine=own-cookie"}};  // sent besides the jar's
  EXPECT_FALSE(run_step(api, scope, *run, &jar).failed());

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].headers.get("Host"), "acme.photos.test");
  EXPECT_EQ(cookie_header(reqs[0]), "(none)");
  EXPECT_EQ(reqs[1].headers.get("Host"), "auth.photos.test");
  EXPECT_EQ(cookie_header(reqs[1]), "shared=whole-domain-02");  // the Domain cookie only
  EXPECT_EQ(reqs[2].headers.get("Host"), "acme.photos.test");
  EXPECT_EQ(reqs[2].path, "/callback");
  const std::string back = cookie_header(reqs[2]);
  EXPECT_NE(back.find("sid=acme-session-0001"), std::string::npos) << back;
  EXPECT_NE(back.find("shared=whole-domain-02"), std::string::npos) << back;
  EXPECT_EQ(back.find("gw="), std::string::npos) << back;           // the gateway's host-only cookie
  EXPECT_EQ(back.find("api_only="), std::string::npos) << back;     // Path=/api
  EXPECT_EQ(back.find("secure_only="), std::string::npos) << back;  // Secure, and this is http
  EXPECT_NE(cookie_header(reqs[3]).find("api_only=scoped-to-api-03"), std::string::npos) << cookie_header(reqs[3]);
  EXPECT_NE(cookie_header(reqs[3]).find("mine=own-cookie"), std::string::npos) << cookie_header(reqs[3]);

  // Max-Age=0 removes the cookie; the jar is what `expect: cookies` reads, per host.
  auto out = browser_step("sign out", "http://acme.photos.test/logout",
                          {expect("cookies", {{"acme.photos.test", {{"sid", {{"absent", true}}}, {"shared", "whole-domain-02"}}},
                                              {"auth.photos.test", {{"gw", {{"present", true}}}, {"sid", {{"absent", true}}}}},
                                              {"photos.test", {{"shared", {{"count", 1}}}, {"api_only", {{"absent", true}}}}}})});
  auto gone = run_step(out, scope, *run, &jar);
  EXPECT_FALSE(gone.failed()) << failures(gone);
  EXPECT_EQ(std::count_if(gone.outcomes.begin(), gone.outcomes.end(), [](const Outcome& o) { return o.kind == "cookies"; }),
            6);  // one outcome per check
}

TEST(BrowserFlow, AWrongHopFailsNamingTheHop) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  CookieJar jar;
  const json hops = json::array({{{"status", 301}}, {{"headers", {{"Location", {{"matches", "^http://evil\\.test/"}}}}}}});
  auto r = run_step(sign_in({expect("hops", hops)}), scope, *run, &jar);
  EXPECT_TRUE(r.failed());
  const std::string lines = failures(r);
  EXPECT_NE(lines.find("hops count: expected 2 responses, actual 3: 302 GET http://acme.photos.test/login → 302 GET "
                       "http://auth.photos.test/authorize?tenantSlug=acme → 200 GET http://acme.photos.test/callback?state=st-1"),
            std::string::npos) << lines;
  EXPECT_NE(lines.find("hops hop 0 status: expected 301, actual 302"), std::string::npos) << lines;
  EXPECT_NE(lines.find("hops hop 1 headers Location matches: expected /^http://evil\\.test//, actual "
                       "\"http://acme.photos.test/callback?state=st-1\""), std::string::npos) << lines;
  // The transcript shows every hop and the request that followed it.
  EXPECT_NE(r.transcript.find("< HTTP/1.1 302  (hop 0)\n"), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("> GET http://auth.photos.test/authorize?tenantSlug=acme HTTP/1.1  (followed)"),
            std::string::npos) << r.transcript;
}

CaptureSpec capture(std::string name, CaptureSpec::Source source, std::string expr, std::string from = "",
                    std::optional<int> hop = std::nullopt) {
  CaptureSpec c;
  c.name = std::move(name);
  c.source = source;
  c.expr = std::move(expr);
  c.from = std::move(from);
  c.hop = hop;
  return c;
}

TEST(BrowserFlow, CapturesReadAHopOrTheJar) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  CookieJar jar;
  StepSpec s = sign_in();
  s.captures = {capture("first_location", CaptureSpec::Source::header, "Location", "", 0),
                capture("state", CaptureSpec::Source::regex, "state=([^&]+)", "header:Location", 1),
                capture("sid", CaptureSpec::Source::cookie, "sid"),  // the final URL's host
                capture("gw", CaptureSpec::Source::cookie, "gw", "auth.photos.test"),
                capture("nothing", CaptureSpec::Source::cookie, "gw"),
                capture("too_far", CaptureSpec::Source::header, "Location", "", 5)};
  auto r = run_step(s, scope, *run, &jar);
  EXPECT_EQ(*scope.lookup("first_location"), "http://auth.photos.test/authorize?tenantSlug=acme");
  EXPECT_EQ(*scope.lookup("state"), "st-1");
  EXPECT_EQ(*scope.lookup("sid"), "acme-session-0001");
  EXPECT_EQ(*scope.lookup("gw"), "gateway-state-05");
  const std::string lines = failures(r);
  EXPECT_NE(lines.find("capture nothing from cookie gw for acme.photos.test: expected a value, actual no cookie gw for "
                       "acme.photos.test in the jar"), std::string::npos) << lines;
  EXPECT_NE(lines.find("no hop 5 (3 responses)"), std::string::npos) << lines;
}

// A scenario of `steps` as a case runs them, with one jar.
Scenario browser_scenario(std::vector<StepSpec> steps) {
  Scenario s;
  s.file = "scenarios/browser.yaml";
  s.name = "browser";
  s.loc = loc_at(3, "/scenarios/0");
  s.steps = std::move(steps);
  return s;
}

TEST(BrowserFlow, EveryCaseStartsWithAnEmptyJar) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  Scenario s = browser_scenario({sign_in({expect("status", 200)})});
  ScenarioCase one{&s, json{{"row", 1}}, "browser", "browser/1"}, two{&s, json{{"row", 2}}, "browser", "browser/2"};
  EXPECT_FALSE(run_scenario(one, *run).failed());
  EXPECT_FALSE(run_scenario(two, *run).failed());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 6u);
  EXPECT_EQ(cookie_header(reqs[3]), "(none)");                     // the second case's first request
  EXPECT_EQ(cookie_header(reqs[4]), "shared=whole-domain-02");     // its own cookies only
}

// A Cookie header the step writes joins the jar's cookies in one field (RFC 6265 §5.4), not a second.
TEST(BrowserFlow, AWrittenCookieJoinsTheJarsInOneField) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  StepSpec again = browser_step("again", "http://acme.photos.test/home");
  again.request.headers = {{"Cookie", "state=st-1"}};
  Scenario s = browser_scenario({sign_in({expect("status", 200)}), again});
  ScenarioCase one{&s, json::object(), "browser", "browser"};
  EXPECT_FALSE(run_scenario(one, *run).failed());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  ASSERT_EQ(reqs[3].headers.all("Cookie").size(), 1u) << cookie_header(reqs[3]);
  const std::string cookie = cookie_header(reqs[3]);
  EXPECT_NE(cookie.find("sid=acme-session-0001"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("state=st-1"), std::string::npos) << cookie;
}

TEST(BrowserFlow, SessionCookieValuesNeverReachReports) {
  TestServer server(browser_world);
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  CookieJar jar;
  auto r = run_step(sign_in({expect("cookies", {{"acme.photos.test", {{"sid", "not-the-session"}}}}),
                             expect("hops", json::array({{{"headers", {{"Set-Cookie", {{"count", 0}}}}}}, {}, {}}))}),
                    scope, *run, &jar);
  ASSERT_TRUE(r.failed());
  std::string everything = r.transcript;
  for (const auto& o : r.outcomes) everything += "\n" + global_redactor().apply(o.actual + " " + o.expected);
  EXPECT_EQ(everything.find("acme-session-0001"), std::string::npos) << everything;
  EXPECT_EQ(everything.find("whole-domain-02"), std::string::npos) << everything;
  EXPECT_NE(everything.find(kRedacted), std::string::npos) << everything;
}

}  // namespace
}  // namespace tc
