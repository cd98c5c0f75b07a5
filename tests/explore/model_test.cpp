// The contract model that `explore` predicts by, against the contract's own tables: G3's branches in
// order, G1 before them, G4 after them (O1's example), B2's answer for another tenant's item, and A5's
// selection table with A6's claims. Read from the reference profile, platform folder and bindings.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/document.h"
#include "harness/explore/flows.h"
#include "harness/explore/model.h"
#include "harness/explore/probe.h"
#include "harness/explore/scenario_writer.h"
#include "harness/explore/explorer.h"
#include "harness/explore/spelling.h"
#include "harness/loader/scenario_loader.h"
#include "harness/runner/expectation.h"
#include "harness/template/template.h"

namespace tc::explore {
namespace {

const std::string kSource = TC_SOURCE_DIR;

const Model& model() {
  static const Model m = [] {
    auto profile = load_document(kSource + "/fixtures/contracts/reference.yaml");
    auto bindings = load_document(kSource + "/fixtures/reference/bindings.yaml");
    if (!profile.ok() || !bindings.ok()) throw std::runtime_error("reference files");
    auto loaded = Model::load(profile->value, kSource + "/fixtures/reference", bindings->value);
    if (!loaded.ok()) throw std::runtime_error(loaded.error().to_string());
    return *loaded;
  }();
  return m;
}

const Principal& who(const std::string& fx_key) {
  for (const auto& p : model().principals())
    if (p.fx_key == fx_key) return p;
  throw std::runtime_error("no principal " + fx_key);
}

const Route& route(const std::string& method, const std::string& path) {
  for (const auto& r : model().routes())
    if (r.method == method && r.path == path) return r;
  throw std::runtime_error("no route " + path);
}

RequestFacts facts(const std::string& fx_key, const Route& r, std::vector<std::string> values = {},
                   std::optional<std::string> tenant_param = std::nullopt) {
  RequestFacts f;
  f.claims = model().predict_token(who(fx_key), tenant_param).claims;
  f.route = &r;
  f.tenant_values = std::move(values);
  return f;
}

const Route& list() { return route("GET", "/api/platform/items"); }

// A gateway probe of users.one on the route at `route_index`, found violating `v`.
Finding gateway_finding(std::size_t route_index, Violation v) {
  Finding finding;
  finding.clause = v.clause;
  finding.check = v.check;
  finding.violations = {std::move(v)};
  finding.probe.kind = Probe::Kind::gateway;
  finding.probe.route = route_index;
  for (std::size_t i = 0; i < model().principals().size(); ++i)
    if (model().principals()[i].fx_key == "users.one") finding.probe.principal = i;
  return finding;
}

// A written scenario loads against the reference profile, as the pack would load it.
void expect_loads(const std::string& text, const std::string& name) {
  register_builtin_expectations();
  const std::string file = ::testing::TempDir() + name;
  std::ofstream(file) << text;
  LoadOptions options;
  options.contract = &model().contract();
  options.builtins = {"fx", "authority", "gateway", "platform", "scanner", "graph"};
  auto loaded = load_scenarios({file}, options);
  EXPECT_TRUE(loaded.ok()) << loaded.error().to_string() << "\n" << text;
}

TEST(ExploreModel, ReadsThePlatformDeclarationAndNamesEachPartAsTheBindingsDo) {
  EXPECT_EQ(model().tenant_headers(), (std::vector<std::string>{"X-StellaOps-Tenant", "X-Tenant-Id", "X-Tenant"}));
  EXPECT_EQ(model().principals().size(), 9u);  // five users and four confidential clients; the public console is none
  EXPECT_EQ(who("users.one").tenants, std::vector<std::string>{"tenant-alpha"});
  EXPECT_EQ(list().fx_name, "routes.platform.list");
  EXPECT_EQ(route("POST", "/api/platform/items").fx_name, "routes.platform.create");
  EXPECT_EQ(route("POST", "/api/platform/items").kind, Route::Kind::write);
  EXPECT_EQ(route("GET", "/api/platform/items/{id}").kind, Route::Kind::item);
  EXPECT_EQ(list().upstream_fx, "backend_routes.platform.list");
  ASSERT_NE(model().find_item("plat-bravo-1"), nullptr);
  EXPECT_EQ(model().find_item("plat-bravo-1")->fx_key, "items.platform.bravo");
  EXPECT_EQ(model().missing_fx(), "items.missing");
  EXPECT_EQ(model().tenant_fx("tenant-charlie"), "tenants.charlie");
}

// A value the bindings do not name is written as a template literal that reads back as itself,
// quotes and backslashes included.
TEST(ExploreModel, AnUnboundValueIsWrittenAsALiteralThatReadsBackAsItself) {
  for (const std::string value : {"tenant-x", "o'brien", "back\\slash", "both\"'"}) {
    auto r = render_text("{{" + literal(value) + "}}", Scope(), Loc{"flow.yaml", 1, "/url"});
    ASSERT_TRUE(r.ok()) << value << ": " << r.error().to_string();
    EXPECT_EQ(*r, value);
  }
  EXPECT_EQ(tenant_expr(model(), "tenant-o'hare"), literal("tenant-o'hare"));
}

// A principal bound by its id alone has no credentials in the bindings: it is not called.
TEST(ExploreModel, APrincipalBoundWithoutCredentialsIsLeftOut) {
  auto profile = load_document(kSource + "/fixtures/contracts/reference.yaml");
  auto bindings = load_document(kSource + "/fixtures/reference/bindings.yaml");
  ASSERT_TRUE(profile.ok() && bindings.ok());
  json bare = bindings->value;
  const auto first = bare["users"].begin();
  const std::string sub = first.value().value("sub", "");
  ASSERT_FALSE(sub.empty());
  bare["users"][first.key()] = sub;
  auto loaded = Model::load(profile->value, kSource + "/fixtures/reference", bare);
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  for (const auto& p : loaded->principals()) EXPECT_NE(p.sub, sub) << p.fx_key;
  EXPECT_EQ(loaded->principals().size() + 1, model().principals().size());
}

TEST(ExploreModel, AFolderWithoutTheDeclarationIsAnInputErrorNamingTheFile) {
  auto profile = load_document(kSource + "/fixtures/contracts/reference.yaml");
  ASSERT_TRUE(profile.ok());
  auto loaded = Model::load(profile->value, kSource + "/docs", json::object());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().to_string().find("tenants.yaml"), std::string::npos) << loaded.error().to_string();
}

TEST(ExploreModel, TenantResolutionFollowsG3BranchByBranch) {
  auto p = model().predict(facts("users.one", list(), {"Tenant-Alpha"}));  // 1: no match of the pattern
  EXPECT_EQ(p.error, "tenant_invalid");
  EXPECT_EQ(p.gateway_events, std::vector<std::string>{"tenant_invalid"});
  EXPECT_EQ(model().predict(facts("users.one", list(), {""})).error, "tenant_invalid");
  p = model().predict(facts("users.default", list(), {"tenant-alpha", "tenant-bravo"}));  // 2
  EXPECT_EQ(p.status, 409);
  EXPECT_EQ(p.gateway_events, std::vector<std::string>{"tenant_conflict"});
  EXPECT_EQ(p.attempted_tenants, (std::vector<std::string>{"tenant-alpha", "tenant-bravo"}));
  p = model().predict(facts("users.default", list(), {"tenant-bravo"}));  // 3: allowed_tenants
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.resolved_tenant, std::optional<std::string>("tenant-bravo"));
  EXPECT_EQ(p.gateway_events, (std::vector<std::string>{"tenant_selected", "request_forwarded"}));
  p = model().predict(facts("users.one", list(), {"tenant-bravo"}));  // 4
  EXPECT_EQ(p.error, "tenant_conflict");
  EXPECT_EQ(p.gateway_events, std::vector<std::string>{"tenant_override_rejected"});
  p = model().predict(facts("users.none", list(), {"tenant-alpha"}));  // 5
  EXPECT_EQ(p.status, 403);
  EXPECT_EQ(p.error, "tenant_forbidden");
  EXPECT_EQ(model().predict(facts("users.none", list())).error, "tenant_missing");  // 6
  p = model().predict(facts("users.none", route("GET", "/api/platform/status")));
  EXPECT_EQ(p.status, 200);
  EXPECT_FALSE(p.resolved_tenant);
  p = model().predict(facts("users.one", list(), {"tenant-alpha", "tenant-alpha"}));  // one value twice is one value
  EXPECT_EQ(p.resolved_tenant, std::optional<std::string>("tenant-alpha"));
}

TEST(ExploreModel, AuthenticationDecidesFirstAndScopeAfterTheTenant) {
  auto f = facts("users.reader", route("POST", "/api/platform/items"), {"tenant-alpha"});
  EXPECT_EQ(model().predict(f).error, "tenant_conflict");  // O1's example: rex, write route, another tenant
  f.tenant_values.clear();
  const auto p = model().predict(f);
  EXPECT_EQ(p.clause, "G4");
  EXPECT_EQ(p.error, "insufficient_scope");
  EXPECT_TRUE(p.backend_event.empty());
  f.has_token = false;
  EXPECT_EQ(model().predict(f).error, "unauthenticated");
  f.has_token = true;
  f.token_valid = false;
  EXPECT_EQ(model().predict(f).error, "invalid_token");
}

TEST(ExploreModel, AnotherTenantsItemIsAnsweredAsAMissingOneAndTheOwnerIsRecorded) {
  auto f = facts("users.one", route("GET", "/api/platform/items/{id}"));
  f.item_id = "plat-bravo-1";
  auto p = model().predict(f);
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.backend_event, "data_not_found");
  EXPECT_EQ(p.item_owner, "tenant-bravo");
  EXPECT_FALSE(p.owner_open);
  f.item_id = "PLAT-ALPHA-1";  // ids compare exactly
  EXPECT_EQ(model().predict(f).item_owner, "");
  // Whether another letter case of a known id has an owner is the platform's (the contract does not
  // say): its record's target_tenant is neither predicted nor written.
  EXPECT_TRUE(model().predict(f).owner_open);
  f.item_id = "plat-nowhere-1";
  EXPECT_FALSE(model().predict(f).owner_open) << "an id of no item has no owner";
  f.item_id = "plat-alpha-1";
  p = model().predict(f);
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.backend_event, "data_read");
}

TEST(ExploreModel, TokenSelectionFollowsA5AndClaimsA6) {
  EXPECT_EQ(model().predict_token(who("users.ambiguous"), std::nullopt).error, "tenant_ambiguous");
  EXPECT_EQ(model().predict_token(who("users.one"), "tenant-bravo").error, "tenant_forbidden");
  EXPECT_EQ(model().predict_token(who("users.default"), "TENANT-BRAVO").error, "tenant_forbidden");
  auto t = model().predict_token(who("users.default"), std::nullopt);
  EXPECT_EQ(t.claims.tenant, std::optional<std::string>("tenant-alpha"));
  EXPECT_EQ(t.claims.allowed_tenants, (std::vector<std::string>{"tenant-alpha", "tenant-bravo"}));
  EXPECT_EQ(model().predict_token(who("clients.default"), std::nullopt).claims.tenant, std::optional<std::string>("tenant-bravo"));
  t = model().predict_token(who("users.none"), std::nullopt);
  EXPECT_EQ(t.status, 200);
  EXPECT_FALSE(t.claims.tenant);
  EXPECT_TRUE(model().predict_token(who("users.one"), std::nullopt).claims.allowed_tenants.empty());
}

TEST(ExploreModel, ConsoleSelectionFollowsA7AndRefusesOutsideTheEntitlementWithOrWithoutClaim) {
  const auto bea = model().predict_token(who("users.default"), std::nullopt).claims;
  EXPECT_EQ(model().predict_console(bea, {}).selected, std::optional<std::string>("tenant-alpha"));
  EXPECT_EQ(model().predict_console(bea, {"tenant-bravo"}).selected, std::optional<std::string>("tenant-bravo"));
  EXPECT_EQ(model().predict_console(bea, {"tenant-charlie"}).error, "tenant_forbidden");  // 403 even with a claim tenant
  EXPECT_EQ(model().predict_console(bea, {"tenant-alpha", "tenant-bravo"}).error, "tenant_conflict");
  EXPECT_EQ(model().predict_console(bea, {""}).error, "tenant_invalid");
  const auto dee = model().predict_token(who("users.none"), std::nullopt).claims;
  EXPECT_FALSE(model().predict_console(dee, {}).selected);
  EXPECT_EQ(model().predict_console(dee, {"tenant-alpha"}).status, 403);
}

// Every flow, for every principal and variant, is written so that the pack's loader takes it: a
// finding's scenario is never one the pack would refuse.
Probe flow_probe(FlowKind kind, std::size_t principal, int variant) {
  Probe probe;
  probe.kind = Probe::Kind::flow;
  probe.flow = kind;
  probe.principal = principal;
  probe.variant = variant;
  return probe;
}

// What the loader says of a flow's steps written as a scenario in `dir`: "" when it takes them.
std::string flow_load_error(const Model& m, const std::string& steps, const std::string& dir) {
  const std::string file = dir + "/flow.yaml";
  std::ofstream(file) << "scenarios:\n  - name: flow\n    steps:\n" << steps;
  LoadOptions options;
  options.contract = &m.contract();
  options.builtins = {"fx", "authority", "gateway", "platform", "scanner", "graph"};
  auto loaded = load_scenarios({file}, options);
  return loaded.ok() ? "" : loaded.error().to_string();
}

TEST(ExploreModel, EveryFlowWrittenLoadsAsAScenario) {
  register_builtin_expectations();
  const std::string dir = ::testing::TempDir() + "explore-flows";
  std::filesystem::create_directories(dir);
  int written = 0;
  for (FlowKind kind : {FlowKind::discovery, FlowKind::console, FlowKind::profile, FlowKind::code, FlowKind::refresh,
                        FlowKind::introspect, FlowKind::writes})
    for (std::size_t principal = 0; principal < model().principals().size(); ++principal)
      for (int variant = 0; variant < 8; ++variant)
        for (int carrier = 0; carrier < 3; ++carrier) {
          Probe probe = flow_probe(kind, principal, variant);
          const Principal& p = model().principals()[principal];
          if (p.tenants.size() > 1) probe.token_tenant = p.tenants.back();
          if (carrier > 0) {
            Carrier c;
            c.tenant = carrier == 1 ? "tenant-bravo" : "tenant-charlie";
            c.header = static_cast<std::size_t>(carrier);
            probe.carriers.push_back(c);
          }
          const auto text = flow_text(model(), probe);
          if (!text) continue;
          const std::string error = flow_load_error(model(), text->steps, dir);
          ASSERT_EQ(error, "") << flow_name(kind) << " " << p.fx_key << " variant " << variant << "\n" << text->steps;
          ++written;
        }
  EXPECT_GT(written, 300);
}

TEST(ExploreModel, APackRequestBecomesAMatrixProbeWithItsTokenLeftOut) {
  HttpRequest r;
  r.url = "http://127.0.0.1:9/api/platform/items/plat-bravo-1";
  r.headers.add("Authorization", "Bearer x");
  r.headers.add("x-tenant", "tenant-alpha");
  auto probe = probe_from_request(model(), r, "http://127.0.0.1:9");
  ASSERT_TRUE(probe);
  EXPECT_EQ(model().routes()[probe->route].path, "/api/platform/items/{id}");
  EXPECT_EQ(probe->item_id, "plat-bravo-1");
  ASSERT_EQ(probe->carriers.size(), 1u);
  EXPECT_EQ(probe->carriers[0].header, 2u);
  EXPECT_EQ(probe->carriers[0].name_form, NameForm::lower);
  EXPECT_EQ(carrier_value(probe->carriers[0]), "tenant-alpha");
  r.url = "http://127.0.0.1:9/v1/tenant-charlie/platform/items?page=2";
  probe = probe_from_request(model(), r, "http://127.0.0.1:9");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->path_tenant, "tenant-charlie");
  EXPECT_EQ(probe->query, "page=2");
  r.url = "http://127.0.0.1:9/api/platform/items/platform-created-by-a-write";  // no declared owner
  EXPECT_FALSE(probe_from_request(model(), r, "http://127.0.0.1:9"));
  r.url = "http://127.0.0.1:9/api/platform/items";
  r.headers.set("X-Tenant", "no such tenant");  // a value no carrier writes
  EXPECT_FALSE(probe_from_request(model(), r, "http://127.0.0.1:9"));
  r.url = "http://elsewhere:9/api/platform/items";
  EXPECT_FALSE(probe_from_request(model(), r, "http://127.0.0.1:9"));
}

TEST(ExploreModel, TheSameSeedDrawsTheSameProbes) {
  auto draw = [](std::uint64_t seed) {
    GenerateOptions options;
    options.mint = options.direct = options.context_secret = true;
    options.flows = {FlowKind::console, FlowKind::code};
    Generator g(model(), seed, options);
    std::string trace;
    for (int i = 0; i < 200; ++i) {
      const Probe p = g.next();
      trace += std::to_string(static_cast<int>(p.kind)) + "/" + std::to_string(p.principal) + "/" +
               std::to_string(p.route) + "/" + p.item_id + "/" + p.query + "/" + std::to_string(p.carriers.size()) + ";";
    }
    return trace;
  };
  EXPECT_EQ(draw(42), draw(42));
  EXPECT_NE(draw(42), draw(43));
}

// A seed's world: its profile and bindings, its platform folder (`dir`, else its own).
Model seed_model(const std::string& seed, const std::string& dir = "") {
  auto profile = load_document(kSource + "/fixtures/contracts/seed-" + seed + ".yaml");
  auto bindings = load_document(kSource + "/fixtures/seed-" + seed + "/bindings.yaml");
  if (!profile.ok() || !bindings.ok()) throw std::runtime_error("seed files");
  auto loaded = Model::load(profile->value, dir.empty() ? kSource + "/fixtures/seed-" + seed : dir, bindings->value);
  if (!loaded.ok()) throw std::runtime_error(loaded.error().to_string());
  return *loaded;
}

TEST(ExploreModel, HoldsSeed003LifecycleBudgetsAndThePathBoundTenant) {
  const Model m = seed_model("003");
  const std::string acme = "1a965411-6331-4f08-8c16-5385cb99935c", locked = "7972938e-715d-4cc2-9a18-4420b3b022dc",
                    negotiated = "22bfafe3-5af7-48c2-bbae-94c4b3ebd843", standard = "b135c74a-fe96-48dd-be8e-a714cb4876ce";
  EXPECT_TRUE(m.inactive(locked));
  EXPECT_TRUE(m.inactive("fc4aea6d-a1aa-43c1-ae17-1313896537e1"));  // offboarded
  EXPECT_FALSE(m.inactive(acme));
  ASSERT_TRUE(m.budget(negotiated));
  EXPECT_EQ(m.budget(negotiated)->requests, 5);  // its negotiated limit, not its tier's 1000
  ASSERT_TRUE(m.budget(standard));
  EXPECT_EQ(m.budget(standard)->requests, 3);
  EXPECT_EQ(m.budget(acme)->window_seconds, 60);
  EXPECT_EQ(m.idempotent_methods(), (std::vector<std::string>{"POST", "PUT"}));

  auto principal = [&](const std::string& tenant) -> const Principal& {
    for (const auto& p : m.principals())
      if (p.tenants == std::vector<std::string>{tenant}) return p;
    throw std::runtime_error("no principal of " + tenant);
  };
  const auto refused = m.predict_token(principal(locked), std::nullopt);  // T4 at the Authority
  EXPECT_EQ(refused.clause, "T4");
  EXPECT_EQ(refused.error, "tenant_inactive");
  EXPECT_EQ(refused.claims.tenant, locked);  // what a minted token carries

  const Route* list = nullptr;
  for (const auto& r : m.routes())
    if (r.method == "GET" && r.path == "/v1/{tenantId}/projects") list = &r;
  ASSERT_TRUE(list);
  RequestFacts f;
  f.route = list;
  f.claims = m.predict_token(principal(locked), std::nullopt).claims;
  f.path_tenant = locked;
  auto p = m.predict(f);
  EXPECT_EQ(p.clause, "T4");
  EXPECT_EQ(p.status, 403);
  EXPECT_FALSE(p.counted_tenant);  // refused before the budget is counted
  f.claims = m.predict_token(principal(acme), std::nullopt).claims;
  f.path_tenant = standard;  // another tenant in the path: T1, not G3
  p = m.predict(f);
  EXPECT_EQ(p.clause, "T1");
  EXPECT_EQ(p.status, 409);
  f.path_tenant = acme;
  p = m.predict(f);
  EXPECT_EQ(p.clause, "G5");
  EXPECT_EQ(p.counted_tenant, acme);
  f.budget_spent = true;
  p = m.predict(f);
  EXPECT_EQ(p.clause, "T2");
  EXPECT_EQ(p.status, 429);
  EXPECT_EQ(p.error, "rate_limited");
  EXPECT_EQ(p.gateway_events.back(), "rate_limited");
  EXPECT_TRUE(p.backend_event.empty());
}

// Seed 004's H1: the first host source sent decides — X-Forwarded-Host only from a trusted proxy,
// which explore never is; Origin before Host; a port dropped, letters folded; one label under the
// base domain names a slug, a slug no tenant has is the placeholder with the requested slug kept.
TEST(ExploreModel, Seed004sHostNamesTheTenant) {
  const Model m = seed_model("004");
  ASSERT_TRUE(m.hosts());
  auto tenant = [&](std::map<std::string, std::string> sent) {
    const auto t = m.host_tenant(sent);
    return t ? t->id + "/" + t->slug + (t->placeholder ? "/placeholder" : "") : std::string("none");
  };
  EXPECT_EQ(tenant({{"host", "alpha.afilmory.test"}}), "tnt_alpha01/alpha");
  EXPECT_EQ(tenant({{"host", "Alpha.AFILMORY.test:8080"}}), "tnt_alpha01/alpha");
  EXPECT_EQ(tenant({{"host", "alpha.afilmory.test"}, {"origin", "http://bravo.afilmory.test"}}), "tnt_bravo02/bravo");
  EXPECT_EQ(tenant({{"host", "alpha.afilmory.test"}, {"forwarded_host", "bravo.afilmory.test"}}), "tnt_alpha01/alpha");
  EXPECT_EQ(tenant({{"host", "newcomer.afilmory.test"}}), "tnt_placeholder/newcomer/placeholder");
  EXPECT_EQ(tenant({{"host", "placeholder.afilmory.test"}}), "tnt_placeholder/placeholder/placeholder");
  EXPECT_EQ(tenant({{"host", "afilmory.test"}}), "none");
  EXPECT_EQ(tenant({{"host", "auth.afilmory.test"}}), "none");  // the OAuth gateway's host
  EXPECT_EQ(tenant({{"host", "deep.alpha.afilmory.test"}}), "none");
  EXPECT_EQ(tenant({{"host", "alpha.example.invalid"}}), "none");
  EXPECT_EQ(tenant({{"host", "alpha.afilmory.test"}, {"origin", "http://afilmory.test"}}), "none");  // Origin decides
  EXPECT_EQ(m.bound_name("slugs", "alpha"), "slugs.alpha");
}

const Principal& principal_with(const Model& m, const std::string& sub) {
  for (const auto& p : m.principals())
    if (p.sub == sub) return p;
  throw std::runtime_error("no principal " + sub);
}

// Seed 002's P1–P4 as its tenancy.yaml says: the path's id well-formed and known, the caller's role
// in that tenant and its platform role (never a tenant-plane role at the platform root), no role
// there a missing tenant, break glass only with its assurance.
TEST(ExploreModel, Seed002sAdministrationIsDecidedByRolesNow) {
  const Model m = seed_model("002");
  ASSERT_TRUE(m.planes());
  auto who = [&](const std::string& sub) -> const Principal& { return principal_with(m, sub); };
  auto decide = [&](const char* sub, const char* tenant, const char* action, bool assured = false) {
    const auto d = m.decide_admin(who(sub), tenant, action, assured);
    return d.clause + " " + d.status_key;
  };
  EXPECT_EQ(decide("usr-ada", "tenant:coulomb", "members.read"), "P2 ok");           // its tenant admin
  EXPECT_EQ(decide("usr-ada", "coulomb", "members.read"), "P1 tenant_invalid");      // no plane prefix
  EXPECT_EQ(decide("usr-ada", "tenant:nowhere", "members.read"), "P1 not_found");
  EXPECT_EQ(decide("usr-bob", "tenant:coulomb", "members.write"), "P2 forbidden");   // a member
  EXPECT_EQ(decide("usr-ada", "tenant:volta", "members.read"), "P2 not_found");      // no role there
  EXPECT_EQ(decide("usr-ada", "tenant:platform", "policy.read"), "P3 forbidden");    // the root is no secret
  EXPECT_EQ(decide("usr-ops", "tenant:volta", "members.write"), "P2 ok");            // the operator, every plane
  EXPECT_EQ(decide("usr-ops", "tenant:platform", "policy.write"), "P3 forbidden");
  EXPECT_EQ(decide("usr-root", "tenant:platform", "policy.write"), "P4 assurance_required");
  EXPECT_EQ(decide("usr-root", "tenant:platform", "policy.write", true), "P3 ok");
  EXPECT_TRUE(m.decide_admin(who("usr-root"), "tenant:platform", "policy.write", true).break_glass);
}

// Seed 001: a tenant is usable by a member of its workspace entitled to it; the active tenant is the
// named one when usable, else the remembered one when usable, else none (W2).
TEST(ExploreModel, Seed001sActiveTenantIsTheUsableNamedThenTheRememberedOne) {
  const Model m = seed_model("001");
  ASSERT_TRUE(m.workspaces());
  auto who = [&](const std::string& sub) -> const Principal& { return principal_with(m, sub); };
  EXPECT_EQ(m.workspace_of(who("usr-eli")), "ws-contoso");
  EXPECT_EQ(m.workspace_of(who("usr-gus")), "");                    // entitled, but in no workspace
  EXPECT_TRUE(m.usable(who("usr-eli"), "contoso-eu"));
  EXPECT_FALSE(m.usable(who("usr-eli"), "contoso-us"));             // its workspace's, not entitled
  EXPECT_FALSE(m.usable(who("usr-gus"), "contoso-eu"));             // entitled, no workspace
  EXPECT_FALSE(m.usable(who("usr-fay"), "contoso-eu"));             // another workspace
  const Principal& rita = who("usr-rita");
  using T = std::optional<std::string>;
  EXPECT_EQ(m.active_tenant(rita, T("contoso-us"), T("contoso-eu")), T("contoso-us"));  // the name wins
  EXPECT_EQ(m.active_tenant(rita, T("fabrikam"), T("contoso-eu")), T("contoso-eu"));    // an unusable name is none
  EXPECT_EQ(m.active_tenant(rita, std::nullopt, std::nullopt), std::nullopt);
  Principal revoked = rita;
  revoked.tenants = {"contoso-eu"};
  EXPECT_EQ(m.active_tenant(revoked, std::nullopt, T("contoso-us")), std::nullopt);     // remembered, no longer usable
  EXPECT_EQ(m.active_tenant(who("usr-eli"), T("contoso-us"), std::nullopt), std::nullopt);
}

// Every workspace flow of every principal and variant is a scenario the loader takes.
TEST(ExploreModel, EverySeed001FlowWrittenLoadsAsAScenario) {
  register_builtin_expectations();
  const Model m = seed_model("001");
  const std::string dir = ::testing::TempDir() + "explore-w-flows";
  std::filesystem::create_directories(dir);
  std::map<FlowKind, int> written;
  for (FlowKind kind : {FlowKind::admin_context, FlowKind::admin_selection, FlowKind::workspace_panel, FlowKind::run_detail,
                        FlowKind::workspace_membership})
    for (std::size_t principal = 0; principal < m.principals().size(); ++principal)
      for (int variant = 0; variant < 48; ++variant) {
        const Probe probe = flow_probe(kind, principal, variant);
        const auto text = flow_text(m, probe);
        if (!text) continue;
        const std::string error = flow_load_error(m, text->steps, dir);
        ASSERT_EQ(error, "") << flow_name(kind) << " " << m.principals()[principal].fx_key << " variant " << variant << "\n"
                             << text->steps;
        ++written[kind];
      }
  for (const auto& [kind, count] : written) EXPECT_GT(count, 20) << flow_name(kind);
  EXPECT_EQ(written.size(), 5u);
}

// On the panel of a tenant the user is entitled to, another tenant's group passes G3 and W1 and is
// answered as a missing one (I2: 404 not_found, its id absent); only a panel the user is not entitled
// to is W1's refusal.
TEST(ExploreModel, Seed001sPanelAnswersAnotherTenantsGroupAsMissing) {
  const Model m = seed_model("001");
  int missing = 0, refused = 0;
  for (std::size_t principal = 0; principal < m.principals().size(); ++principal)
    for (int variant = 0; variant < 96; ++variant) {
      const auto text = flow_text(m, flow_probe(FlowKind::workspace_panel, principal, variant));
      if (!text) continue;
      const auto at = text->steps.find("another tenant's group of ");
      if (at == std::string::npos) continue;
      const std::string line = text->steps.substr(at, text->steps.find('\n', at) - at);
      const std::string clause = text->steps.substr(text->steps.rfind('"', at) + 1, 2);
      const std::string rest = text->steps.substr(at);
      if (line.find("not entitled") != std::string::npos) {
        ++refused;
        EXPECT_EQ(clause, "W1") << text->steps;
        continue;
      }
      ++missing;
      EXPECT_EQ(clause, "I2") << text->steps;
      EXPECT_NE(rest.find("{{contract.status.not_found}}"), std::string::npos) << text->steps;
      EXPECT_NE(rest.find("absent: true"), std::string::npos) << text->steps;
    }
  EXPECT_GT(missing, 0);
  EXPECT_GT(refused, 0);
}

TEST(ExploreModel, RefusesAPlatformWhoseRulesItDoesNotHold) {
  const std::string dir = ::testing::TempDir() + "explore-unheld";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(kSource + "/fixtures/seed-001", dir, std::filesystem::copy_options::recursive);
  std::ifstream before(dir + "/tenancy.yaml");
  const auto line = std::count(std::istreambuf_iterator<char>(before), {}, '\n') + 1;
  std::ofstream(dir + "/tenancy.yaml", std::ios::app) << "quotas:\n  contoso-eu: 3\n";
  try {
    seed_model("001", dir);
    FAIL() << "a section the model does not hold was taken";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("tenancy.yaml"), std::string::npos) << what;
    EXPECT_NE(what.find("/quotas"), std::string::npos) << what;
    EXPECT_NE(what.find("tenancy.yaml:" + std::to_string(line) + ":"), std::string::npos) << what;  // its line
  }
}

}  // namespace
// A written scenario's times are template expressions over its profile that compute what the
// explorer sent: the same offsets for every window.
TEST(ExploreModel, TimeOffsetsAreWrittenAsTheExpressionsThatComputeThem) {
  for (const long window : {0L, 1L, 2L, 3L, 7L, 30L, 60L, 301L, 3600L}) {
    SCOPED_TRACE(window);
    const json contract{{"windows", {{"token_leeway_seconds", window}, {"signature_skew_seconds", window}}}};
    Scope scope;
    scope.set("contract", contract);
    auto rendered = [&](const std::string& expression) {
      auto r = render(json("{{" + expression + "}}"), scope, Loc{"t.yaml", 1, "/x"});
      EXPECT_TRUE(r.ok()) << expression;
      return r.ok() && r->is_number_integer() ? r->get<long>() : -999999L;
    };
    for (auto form : {TokenForm::expired_past_leeway, TokenForm::expired_within_leeway, TokenForm::nbf_past_leeway,
                      TokenForm::nbf_within_leeway}) {
      const auto time = token_time_claim(contract, form);
      ASSERT_TRUE(time);
      EXPECT_EQ(rendered(time->expression), time->offset) << time->expression;
    }
    EXPECT_GT(token_time_claim(contract, TokenForm::nbf_past_leeway)->offset, window);
    EXPECT_LT(token_time_claim(contract, TokenForm::expired_past_leeway)->offset, -window);
    // Inside is inside, however small the window: at least 5 s, or half the window, from its edge,
    // and on the side the form names (an expiry past, a start ahead).
    const long margin = std::min(5L, window / 2);
    const long expired = token_time_claim(contract, TokenForm::expired_within_leeway)->offset;
    const long not_yet = token_time_claim(contract, TokenForm::nbf_within_leeway)->offset;
    EXPECT_LE(expired, 0);
    EXPECT_GE(expired, -(window - margin));
    EXPECT_GE(not_yet, 0);
    EXPECT_LE(not_yet, window - margin);
    for (auto signature : {Signature::stale, Signature::fresh})
      for (bool ahead : {false, true}) {
        SCOPED_TRACE(std::string(signature == Signature::stale ? "stale" : "fresh") + (ahead ? " ahead" : " behind"));
        Probe probe;
        probe.signature = signature;
        probe.stale_ahead = ahead;
        const long offset = signature_offset(contract, probe);
        EXPECT_EQ(rendered(signature_offset_expression(probe)), offset);
        const long along = ahead ? offset : -offset;  // the offset towards the side the probe names
        EXPECT_GE(along, 0);
        if (signature == Signature::fresh) {
          EXPECT_LE(along, window - margin);
        } else {
          EXPECT_GT(along, window);
        }
      }
  }
}

// A written scenario names no entry of a profile's lists by index: run against a profile that lists
// fewer aliases or identity headers, it would not load, and the whole pack with it.
TEST(ExploreModel, AWrittenEchoScenarioNamesNoListEntryByIndex) {
  std::size_t echo = model().routes().size();
  for (std::size_t i = 0; i < model().routes().size(); ++i)
    if (model().routes()[i].kind == Route::Kind::echo) echo = i;
  ASSERT_LT(echo, model().routes().size()) << "the reference platform declares an echo route";
  Finding finding = gateway_finding(echo, Violation{"G2", "received headers", "the caller's identity headers absent", "present"});
  Carrier carrier;
  carrier.tenant = "tenant-alpha";
  finding.probe.carriers = {carrier};
  finding.probe.spoof_identity = true;
  const std::string text = scenario_for(model(), finding, 7, "a test");
  EXPECT_NE(text.find("received"), std::string::npos) << text;
  EXPECT_NE(text.find("\"{{contract.headers.tenant}}\": [{equals:"), std::string::npos) << text;
  EXPECT_EQ(text.find("tenant_aliases."), std::string::npos) << text;
  EXPECT_EQ(text.find("identity."), std::string::npos) << text;
  // The spoofed identity headers: one per case, from the running profile's list.
  EXPECT_NE(text.find("matrix: {each: \"{{contract.headers.identity}}\", as: identity_header}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"{{identity_header}}\": \"spoofed-actor\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"{{identity_header}}\": {absent: true}"), std::string::npos) << text;
  expect_loads(text, "explored-echo.yaml");
}

// A written list check holds every item to the served tenant, not only away from the tenants the
// model knows: a platform with a tenant the bindings do not name is held to it too.
TEST(ExploreModel, AWrittenListCheckHoldsEveryItemToTheServedTenant) {
  std::size_t list = model().routes().size();
  for (std::size_t i = 0; i < model().routes().size(); ++i)
    if (model().routes()[i].kind == Route::Kind::list && model().routes()[i].tenant_param.empty() && list == model().routes().size())
      list = i;
  ASSERT_LT(list, model().routes().size()) << "the reference platform declares a list route without a path tenant";
  const Finding finding = gateway_finding(list, Violation{"I1", "status", "200", "500"});
  const std::string text = scenario_for(model(), finding, 7, "a test");
  EXPECT_NE(text.find("each: [{pointer: \"{{pointer(contract.values.item_tenant_field)}}\", equals: \"{{fx.tenants.alpha}}\"}]"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("not_contains: {\"{{contract.values.item_tenant_field}}\""), std::string::npos) << text;
  expect_loads(text, "explored-list.yaml");
}

// A token's scopes are written by the bindings' name of that set, so that another platform's
// bindings ask its own scopes; a set the bindings do not name is written as it is.
TEST(ExploreModel, ScopesAreWrittenByTheBindingsNameOfTheSet) {
  EXPECT_EQ(scope_text(model(), {"graph.write", "openid", "profile", "offline_access", "platform.read", "platform.write",
                                 "scanner.read", "scanner.write", "graph.read"}),
            "{{fx.scopes.all}}");
  EXPECT_EQ(scope_text(model(), {"platform.read"}), "{{fx.scopes.read}}");
  EXPECT_EQ(scope_text(model(), {"platform.read", "graph.read"}), "platform.read graph.read");
}

}  // namespace tc::explore
