#include "harness/explore/flows.h"

#include <algorithm>
#include <limits>

#include "common/headers.h"
#include "harness/explore/spelling.h"

namespace tc::explore {

namespace {

const std::string I = "      ";   // a step item
const std::string K = "        ";  // its keys

bool has_path(const Model& model, const char* name) {
  const json& paths = model.contract().value("paths", json::object());
  return paths.contains(name) && paths[name].is_string();
}

bool has_scope(const Principal& p, const std::string& scope) {
  return std::find(p.scopes.begin(), p.scopes.end(), scope) != p.scopes.end();
}

std::string status(const std::string& key) { return q("{{contract.status." + key + "}}"); }
std::string error_check(const std::string& key) { return "{pointer: /error, equals: " + q("{{contract.errors." + key + "}}") + "}"; }
std::string tenant_or_null(const Model& model, const std::optional<std::string>& t) { return t ? q(tenant_text(model, *t)) : "null"; }

// A token for the probe's principal (its tenant parameter, if any), captured as `name`.
std::string token_step(const Model& model, const Probe& probe, const std::string& name = "access_token",
                       const std::string& extra_form = "") {
  const Principal& who = model.principals().at(probe.principal);
  return token_request_text(model, who, probe.token_tenant, I, extra_form, name == "access_token" ? "" : " (" + name + ")") +
         K + "capture:\n" + K + "  " + name +
         ": {json: /access_token}\n" + K + "expect:\n" + K + "  status: " + status("ok") + "\n";
}

std::string bearer(const std::string& token = "access_token") {
  return K + "  headers:\n" + K + "    " + q("{{contract.headers.authorization}}") + ": " + q("Bearer {{" + token + "}}") + "\n";
}

FlowText discovery() {
  FlowText f{"discovery", {"A1"}, {}, "", "", {}};
  f.steps = I + "- name: " + q("A1: discovery names the issuer, the endpoints and S256") + "\n" + K + "request:\n" + K +
            "  url: " + q("{{authority}}{{contract.paths.discovery}}") + "\n" + K + "expect:\n" + K + "  status: " +
            status("ok") + "\n" + K + "  json:\n" + K + "    - {pointer: /issuer, equals: " + q("{{authority}}") + "}\n" +
            K + "    - {pointer: /authorization_endpoint, type: string}\n" + K + "    - {pointer: /token_endpoint, type: string}\n" +
            K + "    - {pointer: /jwks_uri, type: string}\n" + K + "    - {pointer: /introspection_endpoint, type: string}\n" +
            K + "    - {pointer: /response_types_supported, contains: code}\n" + K +
            "    - {pointer: /code_challenge_methods_supported, contains: " + q("{{contract.values.code_challenge_method}}") +
            "}\n";
  return f;
}

// A7: the request's tenant value decides this request only; the next one without it answers the
// claim tenant again (nothing is stored, I3).
std::optional<FlowText> console(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const auto token = model.predict_token(who, probe.token_tenant);
  if (!token.error.empty()) return std::nullopt;
  std::vector<std::string> values;
  std::string header_line;
  if (!probe.carriers.empty()) {
    const Carrier& c = probe.carriers.front();
    values = split_comma_list(carrier_value(c));
    header_line = K + "    " + q(name_text(c)) + ": " + q(value_text(model, c)) + "\n";
  }
  const ConsolePrediction p = model.predict_console(token.claims, values);
  FlowText f{"console " + std::string(values.empty() ? "without tenant header" : "with a tenant header"), {"A7", "I3"}, {}, "", "", {}};
  f.steps = token_step(model, probe);
  f.steps += I + "- name: " + q("A7: console tenants " + f.title.substr(8)) + "\n" + K + "request:\n" + K + "  url: " +
             q("{{authority}}{{contract.paths.console_tenants}}") + "\n" + bearer() + header_line + K + "expect:\n" + K +
             "  status: " + status(p.status_key) + "\n" + K + "  json:\n" + K + "    - " +
             (p.error.empty() ? "{pointer: /selectedTenant, equals: " + tenant_or_null(model, p.selected) + "}"
                              : error_check(p.error)) + "\n" +
             K + "  audit:\n" + K + "    - component: authority\n" + K + "      present: {event: " +
             q("{{contract.events." + p.event + "}}") + "}\n";
  f.steps += I + "- name: " + q("I3: the next request without header answers the claim tenant") + "\n" + K + "request:\n" +
             K + "  url: " + q("{{authority}}{{contract.paths.console_tenants}}") + "\n" + bearer() + K + "expect:\n" + K +
             "  status: " + status("ok") + "\n" + K + "  json:\n" + K + "    - {pointer: /selectedTenant, equals: " +
             tenant_or_null(model, token.claims.tenant) + "}\n";
  return f;
}

// A8: the bindings' console_profile user, in its claim tenant and in bravo (the tenant whose layer
// the bindings describe).
std::optional<FlowText> profile(const Model& model, const Probe& probe) {
  const std::string& user = model.console_profile_user();
  if (user.empty() || !model.has_tenant_name("tenants.bravo")) return std::nullopt;  // the tenant whose layer the bindings give
  const auto at = std::find_if(model.principals().begin(), model.principals().end(),
                               [&](const Principal& p) { return p.fx_key == user; });
  if (at == model.principals().end()) return std::nullopt;
  Probe own = probe;
  own.principal = static_cast<std::size_t>(at - model.principals().begin());
  own.token_tenant.reset();
  const bool in_bravo = probe.variant % 2 == 1;
  FlowText f{in_bravo ? "profile in the tenant with a layer" : "profile in the claim tenant", {"A8"}, {}, "", "", {}};
  const std::string layered = "/profile/{{fx.console_profile.layered_key}}";
  f.steps = token_step(model, own);
  f.steps += I + "- name: " + q("A8: " + f.title) + "\n" + K + "request:\n" + K + "  url: " +
             q("{{authority}}{{contract.paths.console_profile}}") + "\n" + bearer() +
             (in_bravo ? K + "    " + q("{{contract.headers.tenant}}") + ": " + q("{{fx.tenants.bravo}}") + "\n" : "") + K +
             "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  json:\n" + K + "    - {pointer: " + q(layered) +
             ", equals: " + q(in_bravo ? "{{fx.console_profile.bravo_value}}" : "{{fx.console_profile.global_value}}") + "}\n" +
             K + "    - {pointer: " + q("/profile/{{fx.console_profile.global_only_key}}") + ", equals: " +
             q("{{fx.console_profile.global_only_value}}") + "}\n";
  return f;
}

// A3 and A4: the code flow with PKCE, a tenant bound or not, and the ways a code must not redeem.
std::optional<FlowText> code_flow(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  if (who.is_client) return std::nullopt;
  const int variant = probe.variant % 8;
  std::optional<std::string> bound;
  if (!probe.carriers.empty() && probe.carriers.front().form == ValueForm::plain) bound = probe.carriers.front().tenant;
  const bool bound_outside = bound && std::find(who.tenants.begin(), who.tenants.end(), *bound) == who.tenants.end();
  FlowText f{"", {"A3", "A4"}, {"login-hint"}, "", "", {}};
  f.vars = I + "pk: \"{{pkce()}}\"\n" + I + "state: \"{{random(12)}}\"\n";
  auto authorize = [&](const std::string& name, const std::string& client, const std::string& redirect) {
    std::string s = I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  url: " +
                    q("{{authority}}{{contract.paths.authorize}}") + "\n" + K + "  query:\n" + K + "    response_type: code\n" +
                    K + "    client_id: " + q(client) + "\n" + K + "    redirect_uri: " + q(redirect) + "\n" + K +
                    "    code_challenge: \"{{pk.challenge}}\"\n" + K + "    code_challenge_method: " +
                    q("{{contract.values.code_challenge_method}}") + "\n" + K + "    state: \"{{state}}\"\n" + K +
                    "    scope: openid\n" + K + "    login_hint: " + q(fx(who.fx_key + ".username")) + "\n";
    if (bound) s += K + "    tenant: " + q(tenant_text(model, *bound)) + "\n";
    return s;
  };
  const std::string redirect = "{{fx.clients.console.redirect_uri}}";
  if (variant == 6 || variant == 7) {  // A3: never a redirect to an unknown client or an unregistered redirect_uri
    const bool client = variant == 6;
    f.title = client ? "authorize for an unknown client" : "authorize to an unregistered redirect_uri";
    f.requirements = {"A3"};
    f.steps = authorize("A3: " + f.title + " is answered, not redirected",
                        client ? "explore-unknown-client" : "{{fx.clients.console.id}}",
                        client ? redirect : "https://unregistered.invalid/callback") +
              K + "expect:\n" + K + "  status: " + status("bad_request") + "\n" + K + "  headers:\n" + K + "    " +
              q("{{contract.headers.location}}") + ": {absent: true}\n" + K + "  json:\n" + K + "    - " +
              error_check(client ? "invalid_client" : "invalid_request") + "\n";
    return f;
  }
  if (bound_outside) {  // A3: a tenant outside the user's set is an error redirect
    f.title = "authorize in a tenant outside the user's set";
    f.requirements = {"A3"};
    f.steps = authorize("A3: " + f.title, "{{fx.clients.console.id}}", redirect) + K + "expect:\n" + K + "  status: " +
              status("redirect") + "\n" + K + "  headers:\n" + K + "    " + q("{{contract.headers.location}}") +
              ": {matches: " + q("[?&]error={{contract.errors.tenant_forbidden}}(&|$)") + "}\n";
    return f;
  }
  // A5 when no tenant was bound: an ambiguous user gets no token.
  const auto selected = model.predict_token(who, bound);
  f.steps = authorize("A3: authorize" + std::string(bound ? " in a tenant" : ""), "{{fx.clients.console.id}}", redirect) + K +
            "capture:\n" + K + "  code: {regex: \"[?&]code=([^&]+)\", from: " + q("header:{{contract.headers.location}}") +
            "}\n" + K + "expect:\n" + K + "  status: " + status("redirect") + "\n";
  auto redeem = [&](const std::string& name, const std::string& verifier, const std::string& redirect_uri,
                    const std::string& tenant_param) {
    std::string s = I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  method: POST\n" + K + "  url: " +
                    q("{{authority}}{{contract.paths.token}}") + "\n" + K + "  form:\n" + K +
                    "    grant_type: authorization_code\n" + K + "    code: \"{{code}}\"\n" + K + "    redirect_uri: " +
                    q(redirect_uri) + "\n" + K + "    client_id: " + q("{{fx.clients.console.id}}") + "\n" + K +
                    "    code_verifier: " + q(verifier) + "\n";
    if (!tenant_param.empty()) s += K + "    tenant: " + q(tenant_param) + "\n";
    return s;
  };
  auto refused = [&](const char* error) {
    return K + "expect:\n" + K + "  status: " + status("oauth_error") + "\n" + K + "  json:\n" + K + "    - " + error_check(error) + "\n";
  };
  if (variant == 2) {
    f.title = "code redeemed with another verifier";
    f.steps += redeem("A4: " + f.title, "explore-wrong-verifier-{{random(43)}}", redirect, "") + refused("invalid_grant");
    return f;
  }
  if (variant == 3) {
    f.title = "code redeemed with another redirect_uri";
    f.steps += redeem("A4: " + f.title, "{{pk.verifier}}", "https://unregistered.invalid/callback", "") + refused("invalid_grant");
    return f;
  }
  if (variant == 4 && bound) {
    const auto other = std::find_if(model.tenants().begin(), model.tenants().end(), [&](const std::string& t) { return t != *bound; });
    if (other != model.tenants().end()) {
      f.title = "code redeemed asking another tenant than the bound one";
      f.steps += redeem("A4: " + f.title, "{{pk.verifier}}", redirect, tenant_text(model, *other)) + refused("invalid_grant");
      return f;
    }
  }
  f.title = bound ? "code bound to a tenant" : "code without tenant";
  std::string first = redeem("A4: " + f.title + " redeems", "{{pk.verifier}}", redirect, "");
  if (!selected.error.empty()) {
    f.title += ", selection refused";
    f.requirements.push_back("A5");
    f.steps += first + refused(selected.error.c_str());
    return f;
  }
  first += K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  jwt:\n" + K + "    from: \"json:/access_token\"\n" + K +
           "    jwks: " + q("{{authority}}{{contract.paths.jwks}}") + "\n";
  if (selected.claims.tenant)
    first += K + "    claims: {" + q("{{contract.claims.tenant}}") + ": " + q(tenant_text(model, *selected.claims.tenant)) + "}\n";
  else
    first += K + "    absent_claims: [" + q("{{contract.claims.tenant}}") + "]\n";
  f.steps += first;  // and every code is single use
  f.steps += redeem("A4: the same code a second time", "{{pk.verifier}}", redirect, "") + refused("invalid_grant");
  return f;
}

// A4: a refresh keeps the original selection unless a tenant parameter re-runs A5; a refresh refused
// with a tenant error leaves the refresh token usable (I3).
std::optional<FlowText> refresh(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const std::string scope = model.contract().value("/values/refresh_scope"_json_pointer, std::string());
  if (who.is_client || scope.empty() || !has_scope(who, scope)) return std::nullopt;
  const auto original = model.predict_token(who, probe.token_tenant);
  if (!original.error.empty()) return std::nullopt;
  FlowText f{"refresh", {"A4"}, {}, "", "", {}};
  const Principal& p = who;
  f.steps = token_request_text(model, p, probe.token_tenant, I, K + "    scope: " + q("{{contract.values.refresh_scope}}") + "\n") +
            K + "capture:\n" + K + "  refresh_token: {json: /refresh_token}\n" + K + "expect:\n" + K + "  status: " +
            status("ok") + "\n";
  auto refresh_step = [&](const std::string& name, const std::optional<std::string>& tenant) {
    std::string s = I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  method: POST\n" + K + "  url: " +
                    q("{{authority}}{{contract.paths.token}}") + "\n" + K + "  form:\n" + K + "    grant_type: refresh_token\n" +
                    K + "    refresh_token: \"{{refresh_token}}\"\n" + K + "    client_id: " + q("{{fx.clients.console.id}}") + "\n";
    if (tenant) s += K + "    tenant: " + q(tenant_text(model, *tenant)) + "\n";
    return s;
  };
  auto issued_in = [&](const std::optional<std::string>& tenant) {
    return K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  jwt:\n" + K + "    from: \"json:/access_token\"\n" + K +
           "    jwks: " + q("{{authority}}{{contract.paths.jwks}}") + "\n" + K +
           (tenant ? "    claims: {" + q("{{contract.claims.tenant}}") + ": " + q(tenant_text(model, *tenant)) + "}\n"
                   : "    absent_claims: [" + q("{{contract.claims.tenant}}") + "]\n");
  };
  std::optional<std::string> asked;
  if (!probe.carriers.empty() && probe.carriers.front().form == ValueForm::plain) asked = probe.carriers.front().tenant;
  if (asked) {
    const auto again = model.predict_token(who, asked);
    f.title = "refresh asking a tenant";
    f.requirements.push_back("A5");
    f.steps += refresh_step("A4: refresh asking a tenant re-runs selection", asked);
    if (again.error.empty()) {
      f.steps += issued_in(again.claims.tenant);
      return f;
    }
    f.steps += K + "expect:\n" + K + "  status: " + status("oauth_error") + "\n" + K + "  json:\n" + K + "    - " +
               error_check(again.error) + "\n";
    f.requirements.push_back("I3");
  } else {
    f.title = "refresh without tenant";
  }
  f.steps += refresh_step("A4: refresh without tenant keeps the original selection", std::nullopt) + issued_in(original.claims.tenant);
  return f;
}

// A9: an active token introspects with its claims and selected tenant; a revoked one (A10's revoke)
// as inactive, and nothing else.
std::optional<FlowText> introspect(const Model& model, const Probe& probe) {
  const auto token = model.predict_token(model.principals().at(probe.principal), probe.token_tenant);
  if (!token.error.empty()) return std::nullopt;
  const bool revoked = probe.variant % 2 == 1;
  FlowText f{revoked ? "introspection of a revoked token" : "introspection of an active token", {"A9"}, {}, "", "", {}};
  f.steps = token_step(model, probe) + token_step(model, probe, "caller_token");
  if (revoked) {
    f.requires_caps.push_back("mint");
    f.steps += I + "- name: \"A10: revoke the token\"\n" + K + "request:\n" + K + "  method: POST\n" + K + "  url: " +
               q("{{authority}}{{contract.paths.revoke}}") + "\n" + K + "  form: {token: \"{{access_token}}\"}\n" + K +
               "expect:\n" + K + "  status: " + status("ok") + "\n";
  }
  f.steps += I + "- name: " + q("A9: " + f.title) + "\n" + K + "request:\n" + K + "  method: POST\n" + K + "  url: " +
             q("{{authority}}{{contract.paths.introspect}}") + "\n" + bearer("caller_token") + K +
             "  form: {token: \"{{access_token}}\"}\n" + K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  json:\n";
  if (revoked)
    f.steps += K + "    - {pointer: /active, equals: false}\n" + K + "    - {pointer: " + q("/{{contract.claims.subject}}") +
               ", absent: true}\n";
  else
    f.steps += K + "    - {pointer: /active, equals: true}\n" + K + "    - {pointer: /selected_tenant, equals: " +
               tenant_or_null(model, token.claims.tenant) + "}\n";
  return f;
}

// B3: a write with an Idempotency-Key replays, refuses another body, is a new key in another
// tenant; B5: a secret-named field is masked in the record; I3: a write refused for its tenant is in
// no list; T3: a PUT with a key replays as well. Each part where the platform is held to its clause.
std::optional<FlowText> writes(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const auto token = model.predict_token(who, probe.token_tenant);
  if (!token.error.empty() || !token.claims.tenant) return std::nullopt;
  const std::string own = *token.claims.tenant;
  const auto route = std::find_if(model.routes().begin(), model.routes().end(), [&](const Route& r) {
    return r.kind == Route::Kind::write && !r.fx_name.empty() && has_scope(who, r.scope);
  });
  if (route == model.routes().end()) return std::nullopt;
  FlowText f{"idempotent write", {"B3"}, {}, I + "key: \"explore-{{random(16)}}\"\n", "", {own}};
  // A route's URL in the caller's tenant (its path names it where the route has a tenant parameter).
  auto url_in = [&](const Route& r, const std::string& tenant, const std::string& item = "") {
    return q(route_url_text(model, r, r.tenant_param.empty() ? "" : tenant, item));
  };
  auto send = [&](const std::string& name, const char* method, const std::string& url, const std::string& key,
                  const std::string& body, const std::string& extra_header) {
    return I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  method: " + method + "\n" + K + "  url: " + url + "\n" +
           bearer() + K + "    " + q("{{contract.headers.idempotency_key}}") + ": " + q(key) + "\n" + extra_header + K +
           "  json: " + body + "\n";
  };
  const std::string url = url_in(*route, own);
  const std::string name_field = q("{{contract.values.item_name_field}}");
  const std::string written = "{" + name_field + ": \"explored\"}";
  f.steps = token_step(model, probe);
  f.steps += send("B3: a write with a key", "POST", url, "{{key}}", written, "") + K + "capture:\n" + K + "  first_id: {json: " +
             q("/{{contract.values.item_id_field}}") + "}\n" + K + "expect:\n" + K + "  status: " + status("created") + "\n" + K +
             "  audit:\n" + K + "    - component: " + route->backend + "\n" + K + "      present: {event: " +
             q("{{contract.events.data_write}}") + "}\n";
  f.steps += send("B3: the same key and body replay", "POST", url, "{{key}}", written, "") + K + "expect:\n" + K + "  status: " +
             status("created") + "\n" + K + "  headers:\n" + K + "    " + q("{{contract.headers.idempotent_replayed}}") + ": " +
             q("{{contract.values.idempotent_replayed}}") + "\n" + K + "  json:\n" + K + "    - {pointer: " +
             q("/{{contract.values.item_id_field}}") + ", equals: \"{{first_id}}\"}\n";
  f.steps += send("B3: the same key with another body", "POST", url, "{{key}}", "{" + name_field + ": \"explored again\"}", "") +
             K + "expect:\n" + K + "  status: " + status("idempotency_key_reused") + "\n" + K + "  json:\n" + K + "    - " +
             error_check("idempotency_key_reused") + "\n";
  if (model.holds("B5")) {
    f.requirements.push_back("B5");
    f.steps += send("B5: a secret-named field is masked in the write's record", "POST", url, "{{key}}-masked",
                    "{" + name_field + ": \"explored\", explore_api_key: \"explore-write-value\"}", "") +
               K + "expect:\n" + K + "  status: " + status("created") + "\n" + K + "  audit:\n" + K + "    - component: " +
               route->backend + "\n" + K + "      present: {event: " + q("{{contract.events.data_write}}") +
               ", change_summary: {explore_api_key: " + q("{{contract.values.masked}}") + "}}\n";
  }
  // I3: a write refused for its tenant leaves the tenant's list as it was, read through the list route.
  const auto outside = std::find_if(model.tenants().begin(), model.tenants().end(), [&](const std::string& t) {
    return t != own &&
           std::find(token.claims.allowed_tenants.begin(), token.claims.allowed_tenants.end(), t) == token.claims.allowed_tenants.end();
  });
  const auto list = std::find_if(model.routes().begin(), model.routes().end(), [&](const Route& r) {
    return r.kind == Route::Kind::list && r.backend == route->backend && !r.fx_name.empty() &&
           r.tenant_param == route->tenant_param && has_scope(who, r.scope);
  });
  if (outside != model.tenants().end() && list != model.routes().end() && !model.tenant_fx(*outside).empty() && model.holds("I3")) {
    RequestFacts facts;  // the outside tenant named where this route names a tenant: its path, else the header
    facts.claims = token.claims;
    facts.route = &*route;
    std::string header;
    if (route->tenant_param.empty()) {
      facts.tenant_values = {*outside};
      header = K + "    " + q("{{contract.headers.tenant}}") + ": " + q(tenant_text(model, *outside)) + "\n";
    } else {
      facts.path_tenant = *outside;
    }
    const Prediction refused = model.predict(facts);
    f.requirements.push_back("I3");
    f.steps += send("I3: a write naming a tenant outside the entitlement", "POST", url_in(*route, *outside), "{{key}}-outside",
                    "{" + name_field + ": \"explored refused {{key}}\"}", header) +
               K + "expect:\n" + K + "  status: " + status(refused.status_key) + "\n" + K + "  audit:\n" + K + "    - component: " +
               route->backend + "\n" + K + "      absent: {event: " + q("{{contract.events.data_write}}") + "}\n";
    f.steps += I + "- name: " + q("I3: the refused write is in no list") + "\n" + K + "request:\n" + K + "  url: " +
               url_in(*list, own) + "\n" + bearer() + K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  json:\n" +
               K + "    - {pointer: " + q("{{contract.values.items_pointer}}") + ", not_contains: {" + name_field +
               ": \"explored refused {{key}}\"}}\n";
  }
  // B3, I1: the same key in another tenant is a new key — the caller's other entitled tenant named by
  // header, else a caller of another tenant (the one with the largest budget: it spends two requests).
  const auto other = std::find_if(token.claims.allowed_tenants.begin(), token.claims.allowed_tenants.end(),
                                  [&](const std::string& t) { return t != own; });
  auto new_key_in = [&](const std::string& tenant, const std::string& name, const std::string& token_name,
                        const std::string& header) {
    f.requirements.push_back("I1");
    std::string step = send(name, "POST", url_in(*route, tenant), "{{key}}", written, header);
    if (token_name != "access_token") {
      const std::string mine = bearer(), theirs = bearer(token_name);
      step.replace(step.find(mine), mine.size(), theirs);
    }
    f.steps += step + K + "expect:\n" + K + "  status: " + status("created") + "\n" + K + "  headers:\n" + K + "    " +
               q("{{contract.headers.idempotent_replayed}}") + ": {absent: true}\n" + K + "  json:\n" + K + "    - {pointer: " +
               q("/{{contract.values.item_tenant_field}}") + ", equals: " + q(tenant_text(model, tenant)) + "}\n";
  };
  if (!model.holds("I1")) {
  } else if (other != token.claims.allowed_tenants.end() && !model.tenant_fx(*other).empty() && !model.strict_claim_match() &&
             route->tenant_param.empty()) {
    new_key_in(*other, "B3: the same key in another tenant is a new key", "access_token",
               K + "    " + q("{{contract.headers.tenant}}") + ": " + q(tenant_text(model, *other)) + "\n");
  } else {
    std::optional<std::size_t> peer;
    long peer_budget = 0;
    for (std::size_t p = 0; p < model.principals().size(); ++p) {
      const auto theirs = model.predict_token(model.principals()[p], std::nullopt);
      if (!theirs.error.empty() || !theirs.claims.tenant || *theirs.claims.tenant == own ||
          model.tenant_fx(*theirs.claims.tenant).empty() || !has_scope(model.principals()[p], route->scope) ||
          (route->tenant_param.empty() && model.principals()[p].tenants.size() != 1))
        continue;
      const auto budget = model.budget(*theirs.claims.tenant);
      const long room = budget ? budget->requests : std::numeric_limits<long>::max();
      if (!peer || room > peer_budget) peer = p, peer_budget = room;
    }
    if (peer) {
      Probe theirs = probe;
      theirs.principal = *peer;
      theirs.token_tenant.reset();
      const std::string tenant = *model.predict_token(model.principals()[*peer], std::nullopt).claims.tenant;
      f.steps += token_step(model, theirs, "peer_token");
      new_key_in(tenant, "B3: the same key from a caller of another tenant is a new key", "peer_token", "");
      f.spends.push_back(tenant);
    }
  }
  // T3: a PUT of an own item with a key, replayed; the same key on another own item is refused.
  const auto& methods = model.idempotent_methods();
  const auto put = std::find_if(model.routes().begin(), model.routes().end(), [&](const Route& r) {
    return r.kind == Route::Kind::replace && !r.fx_name.empty() && has_scope(who, r.scope);
  });
  std::vector<const Item*> owned;
  if (put != model.routes().end())
    for (const auto& item : model.items())
      if (item.backend == put->backend && item.tenant == own && !item.fx_key.empty()) owned.push_back(&item);
  if (model.holds("T3") && std::find(methods.begin(), methods.end(), "PUT") != methods.end() && !owned.empty()) {
    f.requirements.push_back("T3");
    const std::string put_url = url_in(*put, own, owned.front()->id);
    const std::string renamed = "{" + name_field + ": \"explored {{key}}\"}";
    f.steps += send("T3: a PUT with a key replaces the item", "PUT", put_url, "{{key}}-put", renamed, "") + K + "capture:\n" + K +
               "  first_put: {json: \"\"}\n" + K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  json:\n" + K +
               "    - {pointer: " + q("/{{contract.values.item_name_field}}") + ", equals: \"explored {{key}}\"}\n" + K +
               "  audit:\n" + K + "    - component: " + put->backend + "\n" + K + "      present: {event: " +
               q("{{contract.events.data_write}}") + "}\n";
    f.steps += send("T3: the same PUT again answers the first answer and writes nothing", "PUT", put_url, "{{key}}-put", renamed, "") +
               K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  headers:\n" + K + "    " +
               q("{{contract.headers.idempotent_replayed}}") + ": " + q("{{contract.values.idempotent_replayed}}") + "\n" + K +
               "  json:\n" + K + "    - {subset: \"{{first_put}}\"}\n" + K + "  audit:\n" + K + "    - component: " +
               put->backend + "\n" + K + "      absent: {event: " + q("{{contract.events.data_write}}") + "}\n";
    if (owned.size() > 1)
      f.steps += send("T3: the same key on another item is refused", "PUT", url_in(*put, own, owned[1]->id), "{{key}}-put", renamed,
                      "") + K + "expect:\n" + K + "  status: " + status("idempotency_key_reused") + "\n" + K + "  json:\n" + K +
                 "    - " + error_check("idempotency_key_reused") + "\n";
  }
  return f;
}

}  // namespace

std::vector<FlowKind> available_flows(const Model& model, const std::set<std::string>& capabilities, bool allow_writes) {
  std::vector<FlowKind> out;
  if (has_path(model, "discovery")) out.push_back(FlowKind::discovery);
  if (has_path(model, "console_tenants")) out.push_back(FlowKind::console);
  if (has_path(model, "console_profile") && !model.console_profile_user().empty()) out.push_back(FlowKind::profile);
  if (has_path(model, "authorize") && capabilities.count("login-hint")) out.push_back(FlowKind::code);
  if (has_path(model, "token")) out.push_back(FlowKind::refresh);
  if (has_path(model, "introspect")) out.push_back(FlowKind::introspect);
  if (allow_writes) out.push_back(FlowKind::writes);
  return out;
}

std::optional<FlowText> flow_text(const Model& model, const Probe& probe) {
  switch (probe.flow) {
    case FlowKind::discovery: return discovery();
    case FlowKind::console: return console(model, probe);
    case FlowKind::profile: return profile(model, probe);
    case FlowKind::code: return code_flow(model, probe);
    case FlowKind::refresh: return refresh(model, probe);
    case FlowKind::introspect: return introspect(model, probe);
    case FlowKind::writes: return writes(model, probe);
  }
  return std::nullopt;
}

}  // namespace tc::explore
