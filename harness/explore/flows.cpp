#include "harness/explore/flows.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
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
// One check of a JSON answer: the value at `pointer` (a template) under `op` (equals, contains, …)
// with `value` as YAML flow text.
std::string json_check(const std::string& pointer, const char* op, const std::string& value) {
  return "{pointer: " + q(pointer) + ", " + op + ": " + value + "}";
}

std::string expect_status(const std::string& key, const std::vector<std::string>& json_checks) {
  std::string out = K + "expect:\n" + K + "  status: " + status(key) + "\n";
  if (!json_checks.empty()) out += K + "  json:\n";
  for (const auto& c : json_checks) out += K + "    - " + c + "\n";
  return out;
}

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
  return K + "  headers:\n" + K + "    " + q("{{contract.headers.authorization}}") + ": " + q("{{contract.values.bearer_scheme}} {{" + token + "}}") + "\n";
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // names and values, flow text

// A step's name and request under the bearer `token`: `headers` are further header lines, `body` a
// JSON body as flow text ("" none), `query` the parameters the runner renders and percent-encodes.
// The caller writes capture and expect.
std::string bearer_request(const std::string& name, const char* method, const std::string& url, const std::string& token = "access_token",
                           const std::string& body = "", const std::string& headers = "", const QueryParams& query = {}) {
  std::string params;
  for (const auto& [key, value] : query) params += K + "    " + q(key) + ": " + q(value) + "\n";
  return I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  method: " + method + "\n" + K + "  url: " + q(url) + "\n" +
         bearer(token) + headers + (params.empty() ? "" : K + "  query:\n" + params) +
         (body.empty() ? "" : K + "  json: " + body + "\n");
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
    f.steps += K + "    - {pointer: /active, equals: false}\n" + K + "    - {pointer: " + q("{{pointer(contract.claims.subject)}}") +
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
  FlowText f{"idempotent write", {"B3"}, {}, I + "key: \"explore-{{random(16)}}\"\n", "", {}};
  // A route's URL in the caller's tenant (its path names it where the route has a tenant parameter).
  auto url_in = [&](const Route& r, const std::string& tenant, const std::string& item = "") {
    return route_url_text(model, r, r.tenant_param.empty() ? "" : tenant, item);
  };
  auto send = [&](const std::string& name, const char* method, const std::string& url, const std::string& key,
                  const std::string& body, const std::string& extra_header, const std::string& token = "access_token") {
    return bearer_request(name, method, url, token, body,
                          K + "    " + q("{{contract.headers.idempotency_key}}") + ": " + q(key) + "\n" + extra_header);
  };
  const std::string url = url_in(*route, own);
  const std::string name_field = q("{{contract.values.item_name_field}}");
  const std::string written = "{" + name_field + ": \"explored\"}";
  f.steps = token_step(model, probe);
  f.steps += send("B3: a write with a key", "POST", url, "{{key}}", written, "") + K + "capture:\n" + K + "  first_id: {json: " +
             q("/{{contract.values.item_id_field}}") + "}\n" + K + "expect:\n" + K + "  status: " + status("created") + "\n" + K +
             "  audit:\n" + K + "    - component: " + q(route->backend) + "\n" + K + "      present: {event: " +
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
               q(route->backend) + "\n" + K + "      present: {event: " + q("{{contract.events.data_write}}") +
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
               q(route->backend) + "\n" + K + "      absent: {event: " + q("{{contract.events.data_write}}") + "}\n";
    f.steps += bearer_request("I3: the refused write is in no list", "GET", url_in(*list, own)) + K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  json:\n" +
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
    f.steps += send(name, "POST", url_in(*route, tenant), "{{key}}", written, header, token_name) + K + "expect:\n" + K + "  status: " + status("created") + "\n" + K + "  headers:\n" + K + "    " +
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
               "  audit:\n" + K + "    - component: " + q(put->backend) + "\n" + K + "      present: {event: " +
               q("{{contract.events.data_write}}") + "}\n";
    f.steps += send("T3: the same PUT again answers the first answer and writes nothing", "PUT", put_url, "{{key}}-put", renamed, "") +
               K + "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  headers:\n" + K + "    " +
               q("{{contract.headers.idempotent_replayed}}") + ": " + q("{{contract.values.idempotent_replayed}}") + "\n" + K +
               "  json:\n" + K + "    - {subset: \"{{first_put}}\"}\n" + K + "  audit:\n" + K + "    - component: " +
               q(put->backend) + "\n" + K + "      absent: {event: " + q("{{contract.events.data_write}}") + "}\n";
    if (owned.size() > 1)
      f.steps += send("T3: the same key on another item is refused", "PUT", url_in(*put, own, owned[1]->id), "{{key}}-put", renamed,
                      "") + K + "expect:\n" + K + "  status: " + status("idempotency_key_reused") + "\n" + K + "  json:\n" + K +
                 "    - " + error_check("idempotency_key_reused") + "\n";
  }
  return f;
}

// ---- A platform whose tenant is the host (H1–H5): callers are sessions made by signing in. ----

// A slug no tenant has: the bindings' first such slug, else one made up.
std::string unknown_slug(const Model& model) {
  const json& slugs = model.bindings().value("slugs", json::object());
  if (slugs.is_object())
    for (const auto& [key, v] : slugs.items()) {
      if (!v.is_string()) continue;
      bool taken = false;
      for (const auto& [id, slug] : model.hosts()->slugs) taken |= slug == to_lower(v.get<std::string>());
      if (!taken) return to_lower(v.get<std::string>());
    }
  return "explore-unknown";
}

// A bindings value as its {{fx.…}} name, else the value itself.
std::string bound_text(const Model& model, const char* section, const std::string& value) {
  const std::string key = model.bound_name(section, value);
  return key.empty() ? value : fx(key);
}

// A host as the pack writes it: the base domain and the OAuth gateway by their bindings' names, a
// tenant's slug by its name, the rest as sent.
std::string host_text(const Model& model, const std::string& host) {
  const HostRules& h = *model.hosts();
  if (host == h.base_domain || host == h.oauth_gateway) return bound_text(model, "hosts", host);
  const std::string suffix = "." + h.base_domain;
  if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return bound_text(model, "slugs", host.substr(0, host.size() - suffix.size())) + "." + bound_text(model, "hosts", h.base_domain);
  }
  return host;
}

std::string scheme_text(const Model& model) { return bound_text(model, "hosts", model.hosts()->scheme); }

std::string unknown_host(const Model& model) { return unknown_slug(model) + "." + model.hosts()->base_domain; }

// The platform's hosts a browser may be sent to: each tenant's (the placeholder's own slug too), a
// slug no tenant has, and the OAuth gateway's.
std::vector<std::string> platform_host_list(const Model& model) {
  const HostRules& h = *model.hosts();
  std::vector<std::string> out;
  for (const auto& [id, slug] : h.slugs) out.push_back(slug + "." + h.base_domain);
  out.push_back(unknown_host(model));
  if (!h.oauth_gateway.empty()) out.push_back(h.oauth_gateway);
  return out;
}

// The hosts a request may name: the platform's, the base domain, another domain, and two labels deep.
std::vector<std::string> host_forms(const Model& model) {
  std::vector<std::string> out = platform_host_list(model);
  out.push_back(model.hosts()->base_domain);
  out.push_back("tenant.example.invalid");
  out.push_back("deep." + out.front());
  return out;
}

const Route* route_with(const Model& model, const std::function<bool(const Route&)>& want) {
  for (const auto& r : model.routes())
    if (!r.fx_name.empty() && want(r)) return &r;
  return nullptr;
}

std::string tenant_echo(const Model& model, const std::optional<HostTenant>& t, bool slug_too) {
  std::string out = K + "  headers:\n";
  auto one = [&](const char* header, const std::optional<std::string>& value) {
    out += K + "    " + q(std::string("{{contract.headers.") + header + "}}") + ": " +
           (value ? "[{equals: " + q(*value) + "}, {count: 1}]" : std::string("{absent: true}")) + "\n";
  };
  one("tenant", t ? std::optional<std::string>(tenant_text(model, t->id)) : std::nullopt);
  if (slug_too) one("tenant_slug", t ? std::optional<std::string>(bound_text(model, "slugs", t->slug)) : std::nullopt);
  return out;
}

std::string get_on(const Model& model, const std::string& name, const std::string& host, const std::string& path_text,
                   const std::string& headers = "", const std::string& port = "") {
  const std::string h = host_text(model, host);
  return I + "- name: " + q(name) + "\n" + K + "request:\n" + K + "  url: " + q(scheme_text(model) + "://" + h + port + path_text) +
         "\n" + K + "  hosts: {" + q(h) + ": \"{{gateway}}\"}\n" + (headers.empty() ? "" : K + "  headers:\n" + headers);
}

// H1 and H2: the tenant of the first host source sent (X-Forwarded-Host from this caller is no source,
// Origin before Host, a port dropped), echoed with its slug — on the open status route's answer and
// on the session route's refusal of a caller without a session.
std::optional<FlowText> host_resolution(const Model& model, const Probe& probe) {
  const auto hosts = host_forms(model);
  const Route* status_route = route_with(model, [](const Route& r) { return r.open && !r.backend.empty() && !r.tenant_scoped; });
  const Route* session = route_with(model, [](const Route& r) { return r.action == "session" && !r.open; });
  if (hosts.empty() || !status_route || !session) return std::nullopt;
  const std::size_t n = hosts.size(), v = static_cast<std::size_t>(probe.variant);
  const std::string& host = hosts[v % n];
  const std::size_t origin_kind = (v / n) % 3, forwarded = (v / (3 * n)) % 2, port = (v / (6 * n)) % 2;
  std::map<std::string, std::string> sent{{"host", host + (port ? ":8080" : "")}};
  std::string headers;
  if (origin_kind) {
    const std::string other = origin_kind == 1 ? hosts[(v + 1) % n] : unknown_host(model);
    sent["origin"] = model.hosts()->scheme + "://" + other;
    headers += K + "    " + q("{{contract.headers.origin}}") + ": " + q(scheme_text(model) + "://" + host_text(model, other)) + "\n";
  }
  if (forwarded) {
    const std::string& other = hosts[(v + 2) % n];
    sent["forwarded_host"] = other;
    headers += K + "    " + q("{{contract.headers.forwarded_host}}") + ": " + q(host_text(model, other)) + "\n";
  }
  const auto tenant = model.host_tenant(sent);
  std::string title = "host resolution";
  if (origin_kind) title += " with Origin";
  if (forwarded) title += " with X-Forwarded-Host";
  if (port) title += " with a port";
  title += tenant ? (tenant->placeholder ? " on a placeholder host" : " on a tenant host") : " on a host of no tenant";
  FlowText f{title, {"H1", "H2"}, {}, "", "", {}};
  const std::string p = port ? ":8080" : "";
  f.steps = get_on(model, "H1: the host sources name the tenant, on the open status route", host, fx(status_route->fx_name), headers, p) +
            K + "expect:\n" + K + "  status: " + status("ok") + "\n" + tenant_echo(model, tenant, false);
  f.steps += get_on(model, "H2: the tenant and its requested slug echoed on a refusal", host, fx(session->fx_name), headers, p) +
             K + "expect:\n" + K + "  status: " + status("unauthenticated") + "\n" + tenant_echo(model, tenant, true);
  return f;
}

// Every host of the platform a browser may be sent to (its DNS is a wildcard), `host` first, each
// reaching the gateway: a redirect to another tenant's host is then an answer to judge, not a host
// that cannot be resolved.
std::string platform_hosts(const Model& model, const std::string& host) {
  std::string out = q(host_text(model, host)) + ": \"{{gateway}}\"";
  for (const auto& h : platform_host_list(model))
    if (h != host) out += ", " + q(host_text(model, h)) + ": \"{{gateway}}\"";
  return out;
}

// The sign-in round trip on `host` for `who`, every hop followed, its session cookie captured.
std::string sign_in_steps(const Model& model, const Principal& who, const std::string& host, const std::string& provider) {
  const Route* sign_in = route_with(model, [](const Route& r) { return r.action == "sign_in"; });
  const Route* callback = route_with(model, [](const Route& r) { return r.action == "oauth_callback"; });
  const Route* session = route_with(model, [](const Route& r) { return r.action == "session"; });
  const std::string h = host_text(model, host);
  return I + "- name: " + q("H4: sign in on " + host + ", every hop followed") + "\n" + K + "request:\n" + K + "  url: " +
         q(scheme_text(model) + "://" + h + "{{path(fx." + sign_in->fx_name + ", " + provider + ")}}") + "\n" + K + "  query:\n" +
         K + "    login_hint: " + q(fx(who.fx_key + ".username")) + "\n" + K + "    " + q("{{contract.values.callback_url_param}}") +
         ": " + q(fx(session->fx_name)) + "\n" + K + "  hosts: {" + platform_hosts(model, host) + "}\n" +
         K + "  follow_redirects: true\n" + K + "capture:\n" + K + "  session: {cookie: " + q("{{contract.values.session_cookie}}") +
         "}\n" + K + "expect:\n" + K + "  hops:\n" + K + "    - {status: " + status("redirect") + "}\n" + K + "    - {status: " +
         status("redirect") + "}\n" + K + "    - status: " + status("redirect") + "\n" + K + "      headers:\n" + K + "        " +
         q("{{contract.headers.location}}") + ": {matches: " +
         q("^" + scheme_text(model) + "://" + h + "{{path(fx." + callback->fx_name + ", " + provider + ")}}\\?") + "}\n" + K +
         "    - {status: " + status("redirect") + "}\n" + K + "    - {status: " + status("ok") + "}\n" + K + "  cookies:\n" + K + "    " +
         q(h) + ":\n" + K + "      " + q("{{contract.values.session_cookie}}") + ": {present: true}\n";
}

// The provider as an expression inside path(): its bindings' name, else the literal.
std::string provider_text(const Model& model) {
  const std::string& provider = model.hosts()->provider;
  const std::string key = model.bound_name("sign_in", provider);
  return key.empty() ? literal(provider) : "fx." + key;
}

// H4, H5, H3 and the host's data: a member signs in on its tenant's host or on a host of no tenant
// (the placeholder); the session names the host's tenant with one slug; the tenant's data (B2, G2)
// or, on a placeholder, none (H3); the cookie is no session on another host (H5).
std::optional<FlowText> host_session(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const HostRules& h = *model.hosts();
  if (who.is_client || who.tenants.empty() || !h.slugs.count(who.tenants.front()) || h.provider.empty()) return std::nullopt;
  const Route* session = route_with(model, [](const Route& r) { return r.action == "session"; });
  const Route* list = route_with(model, [](const Route& r) { return r.kind == Route::Kind::list && r.tenant_scoped; });
  if (!session || !list || !route_with(model, [](const Route& r) { return r.action == "sign_in"; }) ||
      !route_with(model, [](const Route& r) { return r.action == "oauth_callback"; }))
    return std::nullopt;
  const int v = probe.variant;
  const bool on_placeholder = v % 2 == 1;
  const std::string own = who.tenants.front();
  const std::string host = on_placeholder ? unknown_host(model) : h.slugs.at(own) + "." + h.base_domain;
  const auto tenant = model.host_tenant({{"host", host}});
  std::string replay = h.base_domain;  // another tenant's host, or the base domain
  if ((v / 2) % 2 == 0)
    for (const auto& [id, slug] : h.slugs)
      if (id != own && id != h.placeholder) { replay = slug + "." + h.base_domain; break; }
  const int check = (v / 4) % 4;
  static const char* checks[] = {"its list", "a list asked for another tenant", "another tenant's item", "the echo"};
  FlowText f{std::string("session on ") + (on_placeholder ? "a placeholder host" : "its tenant's host") + ", " + checks[check],
             {"H4", "H5"}, {"login-hint"}, "", "", {}};
  const std::string provider = provider_text(model);
  f.steps = sign_in_steps(model, who, host, provider);
  f.steps += get_on(model, "H5: the session names the host's tenant with one slug", host, fx(session->fx_name)) + K + "expect:\n" +
             K + "  status: " + status("ok") + "\n" + tenant_echo(model, tenant, true) + K + "  json:\n" + K + "    - {pointer: " +
             q("{{contract.values.session_user_id_pointer}}") + ", equals: " + q(fx(who.fx_key + ".sub")) + "}\n" + K +
             "    - {pointer: " + q("{{contract.values.session_tenant_id_pointer}}") + ", equals: " + q(tenant_text(model, tenant->id)) +
             "}\n" + K + "    - {pointer: " + q("{{contract.values.session_tenant_slug_pointer}}") + ", equals: " + q(bound_text(model, "slugs", tenant->slug)) + "}\n" +
             K + "    - {pointer: " + q("{{contract.values.session_placeholder_pointer}}") + ", equals: " +
             (tenant->placeholder ? "true" : "false") + "}\n" + K + "    - {pointer: " + q("{{contract.values.session_tenant_pointer}}") +
             ", length: 3}\n";
  const std::string items = q("{{contract.values.items_pointer}}"), id_field = q("{{contract.values.item_id_field}}");
  if (tenant->placeholder && model.holds("H3")) {
    f.requirements.push_back("H3");
    f.steps += get_on(model, "H3: a placeholder tenant serves no data", host, fx(list->fx_name)) + K + "expect:\n" + K + "  status: " +
               status("tenant_placeholder") + "\n" + K + "  json:\n" + K + "    - " + error_check("tenant_placeholder") + "\n" + K +
               "  audit:\n" + K + "    - component: " + q(list->backend) + "\n" + K + "      absent: {event: " +
               q("{{contract.events.data_read}}") + "}\n";
  } else if (!tenant->placeholder) {
    std::vector<const Item*> foreign, mine;
    for (const auto& item : model.items())
      if (item.backend == list->backend && !item.fx_key.empty()) (item.tenant == own ? mine : foreign).push_back(&item);
    std::string none_foreign;
    for (const Item* item : foreign)
      none_foreign += K + "    - {pointer: " + items + ", not_contains: {" + id_field + ": " + q(fx(item->fx_key)) + "}}\n";
    const std::string other_tenant = foreign.empty() ? "" : foreign.front()->tenant;
    const Route* item_route = route_with(model, [&](const Route& r) { return r.kind == Route::Kind::item && r.backend == list->backend; });
    const Route* echo = route_with(model, [&](const Route& r) { return r.kind == Route::Kind::echo && r.backend == list->backend; });
    if (check == 0 && model.holds("I1")) {
      f.requirements.push_back("I1");
      if (model.holds("B2")) f.requirements.push_back("B2");  // the backend's answer is B2's
      f.steps += get_on(model, "I1: the host's tenant's items only", host, fx(list->fx_name)) + K + "expect:\n" + K + "  status: " +
                 status("ok") + "\n" + K + "  json:\n" + none_foreign;
    } else if (check == 1 && model.holds("I1") && !other_tenant.empty()) {
      f.requirements.push_back("I1");
      if (model.holds("B2")) f.requirements.push_back("B2");
      for (const std::string& query : {"?tenant=" + tenant_text(model, other_tenant), std::string("?page=2")})
        f.steps += get_on(model, "I1: a query asks for other items (" + query.substr(1, query.find('=') - 1) + ")", host,
                          fx(list->fx_name) + query) + K + "expect:\n" + K +
                   "  status: " + status("ok") + "\n" + K + "  json:\n" + none_foreign;
    } else if (check == 2 && item_route && model.holds("I2") && !foreign.empty() && !mine.empty()) {
      f.requirements.push_back("I2");
      if (model.holds("B2")) f.requirements.push_back("B2");
      const std::string path = "{{path(fx." + item_route->fx_name + ", fx." + foreign.front()->fx_key + ")}}";
      f.steps += get_on(model, "I2: another tenant's item answers as a missing one", host, path) + K + "expect:\n" + K + "  status: " +
                 status("not_found") + "\n" + K + "  json:\n" + K + "    - " + error_check("not_found") + "\n" + K +
                 "    - {pointer: " + q("/{{contract.values.item_tenant_field}}") + ", absent: true}\n";
      const std::string upper = "{{path(fx." + item_route->fx_name + ", upper(fx." + mine.front()->fx_key + "))}}";
      if (to_lower(mine.front()->id) == mine.front()->id)  // upper case is another spelling of it
        f.steps += get_on(model, "I2: an own item's id in other letters is a missing one", host, upper) + K + "expect:\n" + K +
                   "  status: " + status("not_found") + "\n";
    } else if (check == 3 && echo && model.holds("G2") && !other_tenant.empty()) {
      f.requirements.push_back("G2");
      const std::string spoof = K + "    " + q("{{contract.headers.tenant}}") + ": " + q(tenant_text(model, other_tenant)) + "\n" + K +
                                "    " + q("{{upper(contract.headers.tenant)}}") + ": " + q(tenant_text(model, other_tenant)) + "\n" +
                                K + "    " + q("{{contract.headers.actor}}") + ": " + q(kSpoofedActor) + "\n";
      f.steps += get_on(model, "G2: the caller's own tenant and actor headers are replaced", host, fx(echo->fx_name), spoof) + K +
                 "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  received:\n" + K + "    " +
                 q("{{contract.headers.tenant}}") + ": [{equals: " + q(tenant_text(model, own)) + "}, {count: 1}]\n" + K + "    " +
                 q("{{contract.headers.actor}}") + ": [{equals: " + q(fx(who.fx_key + ".sub")) + "}, {count: 1}]\n";
    }
  }
  const auto elsewhere = model.host_tenant({{"host", replay}});
  f.steps += get_on(model, "H5: the session is no session on " + replay, replay, fx(list->fx_name),
                    K + "    " + q("{{contract.headers.cookie}}") + ": " + q("{{contract.values.session_cookie}}={{session}}") + "\n") +
             K + "expect:\n" + K + "  status: " + status("unauthenticated") + "\n" + tenant_echo(model, elsewhere, true);
  return f;
}

// H4: the tenant host's callback with a code the provider issued and a state that is not this
// browser's is refused, and makes no session.
std::optional<FlowText> forged_state(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const HostRules& h = *model.hosts();
  if (who.is_client || who.tenants.empty() || !h.slugs.count(who.tenants.front()) || h.provider.empty()) return std::nullopt;
  const Route* sign_in = route_with(model, [](const Route& r) { return r.action == "sign_in"; });
  const Route* callback = route_with(model, [](const Route& r) { return r.action == "oauth_callback"; });
  if (!sign_in || !callback) return std::nullopt;
  const bool on_placeholder = probe.variant % 2 == 1;
  const std::string host = on_placeholder ? unknown_host(model) : h.slugs.at(who.tenants.front()) + "." + h.base_domain;
  const std::string provider = provider_text(model);
  FlowText f{std::string("a forged state on ") + (on_placeholder ? "a placeholder host" : "a tenant host"), {"H4"}, {"login-hint"}, "", "", {}};
  f.steps = get_on(model, "H4: start a sign-in (the browser gets its state cookie)", host,
                   "{{path(fx." + sign_in->fx_name + ", " + provider + ")}}?login_hint={{url_encode(fx." + who.fx_key + ".username)}}") +
            K + "capture:\n" + K + "  provider_url: {header: " + q("{{contract.headers.location}}") + "}\n" + K + "expect:\n" + K +
            "  status: " + status("redirect") + "\n";
  f.steps += I + "- name: " + q("H4: the provider issues a code") + "\n" + K + "request:\n" + K + "  url: \"{{provider_url}}\"\n" + K +
             "capture:\n" + K + "  code: {regex: \"[?&]code=([^&]+)\", from: " + q("header:{{contract.headers.location}}") + "}\n" + K +
             "expect:\n" + K + "  status: " + status("redirect") + "\n";
  f.steps += get_on(model, "H4: the callback with that code and another state is refused",
                    host, "{{path(fx." + callback->fx_name + ", " + provider + ")}}?code={{code}}&state=forged-{{random(8)}}") +
             K + "expect:\n" + K + "  status: " + status("oauth_state_invalid") + "\n" + K + "  json:\n" + K + "    - " +
             error_check("oauth_state_invalid") + "\n" + K + "  headers:\n" + K + "    " + q("{{contract.headers.location}}") +
             ": {absent: true}\n" + K + "  cookies:\n" + K + "    " + q(host_text(model, host)) + ":\n" + K + "      " +
             q("{{contract.values.session_cookie}}") + ": {absent: true}\n";
  return f;
}

// A membership's role that is not an owner's, as the bindings name it (roles.member), else W6's own
// word for it.
std::string member_role(const Model& model) {
  const json& roles = model.bindings().value("roles", json::object());
  return roles.is_object() && roles.contains("member") && roles["member"].is_string() ? q("{{fx.roles.member}}") : "member";
}

// A membership write's body giving that role.
std::string member_role_body(const Model& model) {
  return "{" + q("{{contract.values.member_role_field}}") + ": " + member_role(model) + "}";
}

// ---- A platform of planes (P1–P6): administration decided by the caller's roles now. ----

const Route* admin_route(const Model& model, const char* action, const char* method) {
  return route_with(model, [&](const Route& r) { return r.action == action && r.method == method; });
}

// The tenants a path may name: every declared tenant, and the first tenant-plane id without its prefix.
std::vector<std::string> admin_tenants(const Model& model) {
  std::vector<std::string> out = model.tenants();
  for (const auto& t : model.tenants())
    if (const auto colon = t.find(':'); colon != std::string::npos && t != model.planes()->platform) {
      out.push_back(t.substr(colon + 1));
      break;
    }
  return out;
}

std::string expect_decision(const AdminDecision& d) {
  return expect_status(d.status_key, d.error.empty() ? std::vector<std::string>{} : std::vector<std::string>{error_check(d.error)});
}

// P1, P2, P3: the members of a tenant (its id, or its id without the plane's prefix) and the global
// policy read, and the policy written, as the caller's roles now decide.
std::optional<FlowText> administration(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const Route* members = admin_route(model, "tenant_members", "GET");
  const Route* read = admin_route(model, "platform_policy", "GET");
  const Route* write = admin_route(model, "platform_policy", "PUT");
  if (!members || !read || !write) return std::nullopt;
  const auto tenants = admin_tenants(model);
  const std::string& tenant = tenants[static_cast<std::size_t>(probe.variant) % tenants.size()];
  const auto list = model.decide_admin(who, tenant, "members.read", false);
  FlowText f{std::string("administration of ") +
                 (tenant == model.planes()->platform ? "the platform plane"
                                                     : tenant.find(':') != std::string::npos ? "a tenant plane" : "an unprefixed id"),
             {"P2"}, {}, "", "", {}};
  f.steps = token_step(model, probe);
  f.steps += bearer_request(list.clause + ": the members of " + tenant, "GET",
                            "{{gateway}}{{path(fx." + members->fx_name + ", " + tenant_expr(model, tenant) + ")}}") +
             expect_decision(list);
  const auto policy = model.decide_admin(who, model.planes()->platform, "policy.read", false);
  f.steps += bearer_request(policy.clause + ": the global policy read", "GET", "{{gateway}}" + fx(read->fx_name)) + expect_decision(policy);
  const auto change = model.decide_admin(who, model.planes()->platform, "policy.write", false);
  if (!change.error.empty())  // a refused write: the document sent is the one the platform holds
    f.steps += bearer_request(change.clause + ": the global policy written without the right", "PUT", "{{gateway}}" + fx(write->fx_name),
                              "access_token", model.planes()->global_policy.dump()) + expect_decision(change);
  for (const char* c : {"P1", "P3", "P4"})
    if (f.steps.find(std::string("\"") + c + ":") != std::string::npos) f.requirements.push_back(c);
  return f;
}

// P2, P6, I3: a member's role set to the one it has — allowed, answered and published once with the
// actor, the tenant changed and the summary; refused, publishing nothing. Nothing changes either way.
std::optional<FlowText> membership(const Model& model, const Probe& probe) {
  const Principal& who = model.principals().at(probe.principal);
  const Route* member = admin_route(model, "membership", "PUT");
  const PlaneRules& r = *model.planes();
  if (!member || who.is_client) return std::nullopt;
  std::vector<std::string> planes;
  for (const auto& t : model.tenants())
    if (t != r.platform) planes.push_back(t);
  if (planes.empty()) return std::nullopt;
  const std::string& tenant = planes[static_cast<std::size_t>(probe.variant) % planes.size()];
  const Principal* target = nullptr;  // a plain member of the tenant, not the caller
  for (const auto& p : model.principals())
    if (!p.is_client && p.sub != who.sub && std::find(p.tenants.begin(), p.tenants.end(), tenant) != p.tenants.end() &&
        !(r.roles.count(tenant) && r.roles.at(tenant).count(p.sub))) {
      target = &p;
      break;
    }
  if (!target) return std::nullopt;
  const auto d = model.decide_admin(who, tenant, "members.write", false);
  const std::string url = "{{gateway}}{{path(fx." + member->fx_name + ", " + tenant_expr(model, tenant) + ", fx." + target->fx_key + ".sub)}}";
  const std::string body = member_role_body(model);
  const std::string role = member_role(model);
  FlowText f{std::string("membership set ") + (d.error.empty() ? "by a caller allowed" : "by a caller refused"), {"P2"}, {}, "", "", {}};
  f.steps = token_step(model, probe);
  f.steps += bearer_request(d.clause + ": a member's role in " + tenant + " set to the one it has", "PUT", url, "access_token", body) +
             expect_decision(d);
  if (model.holds("P6")) {
    f.requirements.push_back("P6");
    f.steps += bearer_request(std::string("P6: ") + (d.error.empty() ? "the change is published" : "the refusal publishes nothing"), "PUT",
                              url, "access_token", body) + K + "expect:\n" + K + "  audit:\n" + K + "    - component: outbox\n" + K +
               (d.error.empty() ? "      present: {event: " + q("{{contract.events.membership_changed}}") + ", target_tenant: " +
                                      q(tenant_text(model, tenant)) + ", change_summary: {user: " + q(fx(target->fx_key + ".sub")) +
                                      ", before: " + role + ", after: " + role + "}}\n"
                                : "      absent: {event: " + q("{{contract.events.membership_changed}}") + "}\n");
  }
  return f;
}

// A minted token for `who` in its first tenant with `extra` claims, captured as `name`.
std::string minted_step(const Principal& who, const std::string& tenant_text_value, const std::string& extra, const std::string& name) {
  return I + "- name: " + q("a minted token (" + name + ")") + "\n" + K + "requires: [mint]\n" + K + "request:\n" + K + "  method: POST\n" +
         K + "  url: " + q("{{authority}}{{contract.paths.mint}}") + "\n" + K + "  json:\n" + K + "    sub: " + q(fx(who.fx_key + ".sub")) +
         "\n" + K + "    tenant: " + q(tenant_text_value) + "\n" + K + "    scope: " + q("openid profile") + "\n" + extra + K +
         "capture:\n" + K + "  " + name + ": {json: /access_token}\n" + K + "expect:\n" + K + "  status: " + status("ok") + "\n";
}

// P4, P6: break glass with the assurance it needs writes the global policy — the use recorded, the
// change published with its secret-looking field masked — and writes the document back.
std::optional<FlowText> break_glass(const Model& model, const Probe& probe) {
  const PlaneRules& r = *model.planes();
  const Route* write = admin_route(model, "platform_policy", "PUT");
  if (!write || r.assurance.empty()) return std::nullopt;
  const Principal* glass = nullptr;
  for (const auto& p : model.principals())
    if (r.roles.count(r.platform) && r.roles.at(r.platform).count(p.sub) && r.roles.at(r.platform).at(p.sub) == r.break_glass_role) glass = &p;
  if (!glass) return std::nullopt;
  (void)probe;
  FlowText f{"break glass", {"P4"}, {"mint"}, "", "", {}};
  f.steps = minted_step(*glass, tenant_text(model, r.platform),
                        K + "    claims: {" + q(r.assurance_claim) + ": " + q(r.assurance.front()) + "}\n", "glass_token");
  json changed = r.global_policy;
  changed["explore_api_key"] = "explore-policy-value";
  const std::string url = "{{gateway}}" + fx(write->fx_name);
  f.steps += bearer_request("P4: break glass with its assurance writes the global policy", "PUT", url, "glass_token", changed.dump()) + K +
             "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  audit:\n" + K + "    - component: gateway\n" + K +
             "      present: {event: " + q("{{contract.events.break_glass_used}}") + "}\n";
  if (model.holds("P6")) {
    f.requirements.push_back("P6");
    f.steps += bearer_request("P6: the write is published, its secret masked", "PUT", url, "glass_token", changed.dump()) + K +
               "expect:\n" + K + "  status: " + status("ok") + "\n" + K + "  audit:\n" + K + "    - component: outbox\n" + K +
               "      present: {event: " + q("{{contract.events.policy_changed}}") + ", target_tenant: " + q(tenant_text(model, r.platform)) +
               ", change_summary: {explore_api_key: " + q("{{contract.values.masked}}") + "}}\n";
  }
  f.steps += bearer_request("P4: the global policy written back", "PUT", url, "glass_token", r.global_policy.dump()) + K + "expect:\n" +
             K + "  status: " + status("ok") + "\n";
  return f;
}

// P5: a token of the local issuer is refused by a production gateway, as any other issuer's.
std::optional<FlowText> local_issuer(const Model& model, const Probe& probe) {
  const PlaneRules& r = *model.planes();
  const Principal& who = model.principals().at(probe.principal);
  const Route* members = admin_route(model, "tenant_members", "GET");
  if (r.local_issuer.empty() || !members || who.is_client || who.tenants.empty()) return std::nullopt;
  FlowText f{"a local issuer's token", {"P5"}, {"mint"}, "", "", {}};
  f.steps = minted_step(who, tenant_text(model, who.tenants.front()), K + "    iss: " + q(r.local_issuer) + "\n", "local_token");
  f.steps += bearer_request("P5: the local issuer's token is refused", "GET",
                            "{{gateway}}{{path(fx." + members->fx_name + ", " + tenant_expr(model, who.tenants.front()) + ")}}",
                            "local_token") +
             K + "expect:\n" + K + "  status: " + status("invalid_token") + "\n" + K + "  json:\n" + K + "    - " +
             error_check("invalid_token") + "\n";
  return f;
}

// ---- A console of workspaces (W1–W6): the admin surfaces' active tenant, the tenant panel, the runs'
// detail and the memberships, predicted from the workspaces, each user's entitlements and what the
// flow itself selected. ----

std::vector<const Item*> items_of(const Model& model, const std::string& role) {
  std::vector<const Item*> out;
  for (const auto& i : model.items())
    if (i.backend == role) out.push_back(&i);
  return out;
}

std::string item_text(const Item& i) { return i.fx_key.empty() ? i.id : fx(i.fx_key); }
std::string value_key(const std::string& key) { return "{{contract.values." + key + "}}"; }
std::string id_entry(const std::string& id_text) { return "{" + q(value_key("item_id_field")) + ": " + q(id_text) + "}"; }

PathArg tenant_arg(const Model& model, const std::string& t) { return {tenant_expr(model, t), t}; }
PathArg item_arg(const Model& model, const std::string& id) { return {item_expr(model, id), id}; }
PathArg user_arg(const Principal& who) { return {"fx." + who.fx_key + ".sub", who.sub}; }
PathArg workspace_arg(const Model& model, const std::string& w) {
  const std::string name = model.bound_name("workspaces", w);
  return {name.empty() ? literal(w) : "fx." + name, w};
}

// A navigation entry as the bindings name it, else as declared.
std::string entry_text(const Model& model, const std::string& entry) {
  const std::string name = model.bound_name("navigation", entry);
  return name.empty() ? entry : fx(name);
}

const std::string kIdPointer = "/" + value_key("item_id_field");

// A 404; with `error` its envelope's errors.not_found too, where the clause names it (W3, W5, I2; W2
// and W4 name the status alone).
std::string expect_not_found(bool id_absent = false, bool error = true) {
  std::vector<std::string> lines;
  if (error) lines.push_back(error_check("not_found"));
  if (id_absent) lines.push_back(json_check(kIdPointer, "absent", "true"));
  return expect_status("not_found", lines);
}

std::string expect_item(const Item& item) { return expect_status("ok", {json_check(kIdPointer, "equals", q(item_text(item)))}); }

// The tenants `who` may use in its workspace now (W2), or with `usable` false those it may not.
std::vector<std::string> usable_tenants(const Model& model, const Principal& who, bool usable = true) {
  std::vector<std::string> out;
  for (const auto& t : model.tenants())
    if (model.usable(who, t) == usable) out.push_back(t);
  return out;
}

// Whether `who` owns its workspace (W6's word for the role that changes memberships).
bool is_owner(const Model& model, const Principal& who) {
  const auto& members = model.workspaces()->members;
  const auto at = members.find(who.sub);
  return at != members.end() && at->second.second == "owner";
}

std::vector<std::size_t> principals_where(const Model& model, const std::function<bool(std::size_t, const Principal&)>& want) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < model.principals().size(); ++i)
    if (!model.principals()[i].is_client && want(i, model.principals()[i])) out.push_back(i);
  return out;
}

// `probe` for another principal, its token asked without a tenant.
Probe as(const Probe& probe, std::size_t principal) {
  Probe p = probe;
  p.principal = principal;
  p.token_tenant.reset();
  return p;
}

enum class Surface { operations, groups, group, search, navigation };
constexpr Surface kSurfaces[] = {Surface::operations, Surface::groups, Surface::group, Surface::search, Surface::navigation};

const char* surface_action(Surface s) {
  switch (s) {
    case Surface::operations: return "admin_operations";
    case Surface::groups: return "admin_groups";
    case Surface::group: return "admin_group";
    case Surface::search: return "admin_search";
    case Surface::navigation: return "admin_navigation";
  }
  return "";
}

// The word in the group names of the most tenants (then of the most groups; the first met on a tie),
// so that a search without a tenant could match a group of every tenant.
std::string search_term(const Model& model) {
  std::map<std::string, std::pair<std::set<std::string>, int>> seen;  // word -> its tenants, its groups
  std::vector<std::string> order;
  for (const Item* g : items_of(model, model.workspaces()->groups)) {
    std::set<std::string> words;
    std::string word;
    for (const char c : g->name + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (!word.empty()) words.insert(std::exchange(word, ""));
    }
    for (const auto& w : words) {
      auto& [tenants, groups] = seen[w];
      if (groups++ == 0) order.push_back(w);
      tenants.insert(g->tenant);
    }
  }
  std::string best;
  auto rank = [&](const std::string& w) { return std::make_pair(seen[w].first.size(), seen[w].second); };
  for (const auto& w : order)
    if (best.empty() || rank(w) > rank(best)) best = w;
  return best;
}

// One admin surface asked by `who` under `token`, naming `named` (none: no name) with `remembered`
// the tenant its selection keeps, and what it must answer (W2–W4); `group` the view's id. "" when
// the platform routes no such surface.
std::string admin_step(const Model& model, const Principal& who, Surface s, const std::optional<std::string>& named,
                       const std::optional<std::string>& remembered, const Item* group, const std::string& clause,
                       const std::string& label, const std::string& token = "access_token") {
  const Route* route = admin_route(model, surface_action(s), "GET");
  if (!route || (s == Surface::group && !group)) return "";
  const WorkspaceRules& w = *model.workspaces();
  const std::string url = s == Surface::group ? route_url_text(*route, {item_arg(model, group->id)}) : route_url_text(*route, {});
  QueryParams query;
  if (s == Surface::search) query.emplace_back(value_key("search_query_param"), search_term(model));
  if (named) query.emplace_back(value_key("admin_tenant_param"), tenant_text(model, *named));
  std::string out = bearer_request(clause + ": " + label, "GET", url, token, "", "", query);
  if (model.workspace_of(who).empty()) return out + expect_not_found(false, false);  // no workspace, no admin surface (W2)
  const auto active = model.active_tenant(who, named, remembered);
  std::vector<std::string> lines;
  switch (s) {
    case Surface::operations: {
      lines.push_back(json_check(value_key("operations_scope_pointer"), "equals",
                                 q(active ? tenant_text(model, *active) : value_key("all_tenants_scope"))));
      lines.push_back(active ? json_check(value_key("operations_tenant_filter_pointer"), "equals", q(tenant_text(model, *active)))
                             : json_check(value_key("operations_tenant_filter_pointer"), "absent", "true"));
      lines.push_back(active ? json_check(value_key("operations_kpis_pointer"), "type", "object")
                             : json_check(value_key("operations_kpis_pointer"), "absent", "true"));
      for (const Item* run : items_of(model, w.runs)) {
        const bool shown = active ? run->tenant == *active : model.usable(who, run->tenant);
        lines.push_back(json_check(value_key("operations_runs_pointer"), shown ? "contains" : "not_contains", id_entry(item_text(*run))));
      }
      return out + expect_status("ok", lines);
    }
    case Surface::groups:
      if (!active) return out + expect_not_found(false, false);  // W4: no widening
      for (const Item* g : items_of(model, w.groups))
        lines.push_back(json_check(value_key("groups_pointer"), g->tenant == *active ? "contains" : "not_contains", id_entry(item_text(*g))));
      return out + expect_status("ok", lines);
    case Surface::group:
      if (!active) return out + expect_not_found(true, false);          // W4: no widening
      if (group->tenant != *active) return out + expect_not_found(true);  // another tenant's: missing (I2)
      return out + expect_item(*group);
    case Surface::search:
      for (const Item* g : items_of(model, w.groups))  // which of the tenant's own it finds is the platform's matching
        if (!active || g->tenant != *active)
          lines.push_back(json_check(value_key("search_results_pointer"), "not_contains", id_entry(item_text(*g))));
      return out + expect_status("ok", lines);
    case Surface::navigation:
      for (const auto& e : w.navigation)
        lines.push_back(json_check(value_key("navigation_pointer"), "contains", q(entry_text(model, e))));
      for (const auto& e : w.tenant_navigation)
        if (!contains(w.navigation, e))
          lines.push_back(json_check(value_key("navigation_pointer"), "not_contains", q(entry_text(model, e))));
      return out + expect_status("ok", lines);
  }
  return "";
}

// An explicit selection of `tenant` (none: the field left out) by `who` (W3): remembered when usable.
std::string select_step(const Model& model, const Principal& who, const std::optional<std::string>& tenant, const std::string& label,
                        const std::string& token = "access_token") {
  const Route* route = admin_route(model, "select_tenant", "POST");
  if (!route) return "";
  const std::string field = value_key("selected_tenant_field");
  const std::string body = tenant ? "{" + q(field) + ": " + q(tenant_text(model, *tenant)) + "}" : "{}";
  std::string out = bearer_request("W3: " + label, "POST", route_url_text(*route, {}), token, body);
  if (model.workspace_of(who).empty()) return out + expect_not_found(false, false);  // no admin surface (W2)
  if (!tenant) return out + expect_status("bad_request", {error_check("invalid_request")});
  if (!model.usable(who, *tenant)) return out + expect_not_found();
  return out + expect_status("ok", {json_check("/" + field, "equals", q(tenant_text(model, *tenant)))});
}

// W2, W3, W4: a member that never selects (or a user of no workspace) asks one admin surface without
// a tenant, naming one, and without again; or selects a tenant it may not, and asks again.
std::optional<FlowText> admin_context(const Model& model, const Probe& probe) {
  std::size_t index = probe.principal;
  const Principal& drawn = model.principals()[index];
  if (drawn.is_client) return std::nullopt;
  if (!model.workspace_of(drawn).empty() && selecting_member(model, index)) {  // one that never selects
    const auto fresh = principals_where(model, [&](std::size_t i, const Principal& p) {
      return !model.workspace_of(p).empty() && !selecting_member(model, i);
    });
    if (fresh.empty()) return std::nullopt;
    index = fresh[static_cast<std::size_t>(probe.variant) % fresh.size()];
  }
  const Principal& who = model.principals()[index];
  const auto v = static_cast<std::size_t>(probe.variant);
  const std::size_t kinds = std::size(kSurfaces) + 1;  // and a refused selection
  const auto groups = items_of(model, model.workspaces()->groups);
  const auto& tenants = model.tenants();
  const std::optional<std::string> named = (v / kinds) % (tenants.size() + 1) == 0
                                               ? std::nullopt : std::optional(tenants[(v / kinds) % (tenants.size() + 1) - 1]);
  FlowText f{"", {"W2", "W3", "W4"}, {}, "", "", {}};
  f.steps = token_step(model, as(probe, index));
  if (v % kinds == std::size(kSurfaces)) {
    const auto refused = usable_tenants(model, who, false);
    if (refused.empty()) return std::nullopt;
    const std::string& t = refused[(v / kinds) % refused.size()];
    f.title = "a refused selection";
    f.steps += select_step(model, who, t, "a tenant the user may not choose is refused");
    if (!model.workspace_of(who).empty())  // for a user of no workspace, which of 400 and 404 comes first is open
      f.steps += select_step(model, who, std::nullopt, "a selection naming no tenant is refused");
    f.steps += admin_step(model, who, Surface::operations, std::nullopt, std::nullopt, nullptr, "W3",
                          "nothing was remembered: the operations list has no active tenant");
    return f;
  }
  const Surface s = kSurfaces[v % std::size(kSurfaces)];
  const Item* group = groups.empty() ? nullptr : groups[(v / kinds) % groups.size()];
  if (!admin_route(model, surface_action(s), "GET")) return std::nullopt;
  f.title = std::string(surface_action(s)) + (named ? " naming a tenant" : " with no tenant");
  f.steps += admin_step(model, who, s, std::nullopt, std::nullopt, group, "W4", "no tenant named or remembered");
  if (named) {
    f.steps += admin_step(model, who, s, named, std::nullopt, group, "W2", "naming " + *named);
    f.steps += admin_step(model, who, s, std::nullopt, std::nullopt, group, "W3", "the name was not remembered");
  }
  return f;
}

// W2, W3: a member that selects: its selection against a tenant it names, a refused selection that
// keeps it, and the surfaces in the selected tenant.
std::optional<FlowText> admin_selection(const Model& model, const Probe& probe) {
  const auto selectors = principals_where(model, [&](std::size_t i, const Principal&) { return selecting_member(model, i); });
  if (selectors.empty() || !admin_route(model, "select_tenant", "POST")) return std::nullopt;
  const std::size_t index = selecting_member(model, probe.principal) ? probe.principal
                                                            : selectors[static_cast<std::size_t>(probe.variant) % selectors.size()];
  const Principal& who = model.principals()[index];
  const auto usable = usable_tenants(model, who);
  const auto v = static_cast<std::size_t>(probe.variant);
  const std::string& a = usable[v % usable.size()];
  const std::string& b = usable[(v + 1) % usable.size()];
  FlowText f{"", {"W2", "W3"}, {}, "", "", {}};
  f.steps = token_step(model, as(probe, index));
  f.steps += select_step(model, who, a, "the user selects " + a);
  const auto groups = items_of(model, model.workspaces()->groups);
  switch ((v / usable.size()) % 3) {
    case 0:
      f.title = "a named tenant beside a selection";
      f.steps += admin_step(model, who, Surface::operations, b, a, nullptr, "W2", "naming " + b + " beside the selection of " + a);
      f.steps += admin_step(model, who, Surface::operations, std::nullopt, a, nullptr, "W3", "without a name: the selection again");
      break;
    case 1: {
      const auto refused = usable_tenants(model, who, false);
      if (refused.empty()) return std::nullopt;
      const std::string& t = refused[(v / usable.size() / 3) % refused.size()];
      f.title = "a refused selection keeps the one before";
      f.steps += select_step(model, who, t, "a tenant the user may not choose is refused");
      f.steps += admin_step(model, who, Surface::operations, std::nullopt, a, nullptr, "W3", "the selection before still holds");
      break;
    }
    default: {
      f.title = "the surfaces in the selected tenant";
      const Item* group = groups.empty() ? nullptr : groups[(v / usable.size() / 3) % groups.size()];
      f.steps += admin_step(model, who, Surface::groups, std::nullopt, a, nullptr, "W2", "the groups of the selected tenant");
      f.steps += admin_step(model, who, Surface::group, std::nullopt, a, group, "W2", "a group asked in the selected tenant");
      f.steps += admin_step(model, who, Surface::search, std::nullopt, a, nullptr, "W2", "search in the selected tenant");
      break;
    }
  }
  return f;
}

const Route* panel_route(const Model& model, Route::Kind kind) {
  return route_with(model, [&](const Route& r) {
    return !r.tenant_param.empty() && r.kind == kind && r.method == "GET" && r.action.empty();
  });
}

// W1: the tenant panel of a tenant — its groups, a group, its navigation — by a user entitled to it
// or not, beside a selection of another tenant when the user selects.
std::optional<FlowText> workspace_panel(const Model& model, const Probe& probe) {
  const Principal& who = model.principals()[probe.principal];
  const auto token = model.predict_token(who, probe.token_tenant);
  if (who.is_client || !token.error.empty()) return std::nullopt;
  const auto v = static_cast<std::size_t>(probe.variant);
  const auto& tenants = model.tenants();
  const std::string& t = tenants[v % tenants.size()];
  const auto mode = (v / tenants.size()) % 3;
  const Route* list = panel_route(model, Route::Kind::list);
  const Route* item = panel_route(model, Route::Kind::item);
  const Route* nav = route_with(model, [](const Route& r) { return r.action == "tenant_navigation" && r.method == "GET"; });
  const Route* route = mode == 0 ? list : mode == 1 ? item : nav;
  if (!route) return std::nullopt;
  FlowText f{mode == 0 ? "the panel's groups" : mode == 1 ? "a group on the panel" : "the panel's navigation", {"W1"}, {}, "", "", {}};
  f.steps = token_step(model, probe);
  if (selecting_member(model, probe.principal)) {  // beside a selection of another tenant
    const auto usable = usable_tenants(model, who);
    const auto other = std::find_if(usable.begin(), usable.end(), [&](const std::string& u) { return u != t; });
    f.steps += select_step(model, who, *other, "the user selects " + *other);
    f.requirements.push_back("W3");
  }
  const bool entitled = contains(who.tenants, t);
  const std::string label = " of " + t + (entitled ? ", entitled" : ", not entitled");
  if (mode == 2) {
    f.steps += bearer_request("W1: the panel's navigation" + label, "GET", route_url_text(*route, {tenant_arg(model, t)}));
    if (!entitled) {
      f.steps += expect_not_found();
      return f;
    }
    std::vector<std::string> lines;
    for (const auto& e : model.workspaces()->tenant_navigation)
      lines.push_back(json_check(value_key("navigation_pointer"), "contains", q(entry_text(model, e))));
    f.steps += expect_status("ok", lines);
    return f;
  }
  const auto groups = items_of(model, route->backend);
  if (groups.empty()) return std::nullopt;
  const Item* group = groups[(v / tenants.size() / 3) % groups.size()];
  const std::string url = mode == 0 ? route_url_text(*route, {tenant_arg(model, t)})
                                    : route_url_text(*route, {tenant_arg(model, t), item_arg(model, group->id)});
  const bool own = mode == 0 || group->tenant == t;
  RequestFacts facts;  // G3 first: the path's tenant against the token's
  facts.claims = token.claims;
  facts.route = route;
  facts.path_tenant = t;
  facts.item_id = mode == 1 ? group->id : "";
  const Prediction g3 = model.predict(facts);
  // Refused at the gateway (G1–G4); a forwarded request's missing item (G5) is I2's, after W1.
  const bool gateway_refused = !g3.error.empty() && g3.clause != "G5";
  const bool refused = gateway_refused || !entitled;
  f.steps += bearer_request(std::string(own || refused ? "W1" : "I2") + ": " +
                                (mode == 0 ? "the groups" : own ? "a group of its own" : "another tenant's group") + label,
                            "GET", url);
  if (gateway_refused) {
    f.steps += expect_status(g3.status_key, {error_check(g3.error)});
    return f;
  }
  if (!entitled) {
    f.steps += expect_status("tenant_forbidden", {error_check("tenant_forbidden")});
    return f;
  }
  if (mode == 1) {
    f.steps += own ? expect_item(*group)
                   : expect_not_found(true);
    return f;
  }
  std::vector<std::string> lines;
  for (const Item* g : groups)
    lines.push_back(json_check(value_key("items_pointer"), g->tenant == t ? "contains" : "not_contains", id_entry(item_text(*g))));
  f.steps += expect_status("ok", lines);
  return f;
}

// W5: a run's detail (or an id no run has) by any user: it renders only for a member of the
// workspace holding its tenant entitled to that tenant, else answers as a missing one.
std::optional<FlowText> run_detail(const Model& model, const Probe& probe) {
  const Principal& who = model.principals()[probe.principal];
  const Route* route = admin_route(model, "admin_run", "GET");
  if (who.is_client || !route || !model.predict_token(who, probe.token_tenant).error.empty()) return std::nullopt;
  const auto runs = items_of(model, model.workspaces()->runs);
  const auto v = static_cast<std::size_t>(probe.variant);
  const Item* run = v % (runs.size() + 1) < runs.size() ? runs[v % (runs.size() + 1)] : nullptr;
  const std::string id = run ? run->id : model.missing_id();
  if (id.empty()) return std::nullopt;
  const bool shown = run && model.usable(who, run->tenant);
  FlowText f{shown ? "a run it may read" : "a run it may not read", {"W5"}, {}, "", "", {}};
  f.steps = token_step(model, probe);
  f.steps += bearer_request(std::string(shown ? "W5" : run ? "W5" : "I2") + ": the run " + id + (run ? " of " + run->tenant : ""), "GET",
                            route_url_text(*route, {item_arg(model, id)}));
  f.steps += shown ? expect_item(*run)
                   : expect_not_found(true);
  return f;
}

// The owner's change of `who`'s entitlement to `tenant` (PUT grants, DELETE revokes; W6), answered
// with the entitlements after it.
std::string entitlement_step(const Model& model, const Route& route, const Principal& who, const std::string& tenant, bool grant,
                             const std::string& label, bool cleanup = false) {
  const std::string field = "/" + value_key("member_tenants_field");
  return bearer_request("W6: " + label, grant ? "PUT" : "DELETE", route_url_text(route, {tenant_arg(model, tenant), user_arg(who)}), "owner_token") +
         expect_status("ok", {json_check(field, grant ? "contains" : "not_contains", q(tenant_text(model, tenant)))}) +
         (cleanup ? K + "cleanup: true\n" : "");
}

// W5, W6, W1, W2: an owner revokes an entitlement a member's earlier token still lists, removes a
// member from the workspace, and a member tries to entitle itself; every change is undone at the end.
std::optional<FlowText> workspace_membership(const Model& model, const Probe& probe) {
  const Route* on_tenant = admin_route(model, "tenant_member", "PUT");
  const Route* off_tenant = admin_route(model, "tenant_member", "DELETE");
  const Route* on_workspace = admin_route(model, "workspace_member", "PUT");
  const Route* off_workspace = admin_route(model, "workspace_member", "DELETE");
  const Route* run_route = admin_route(model, "admin_run", "GET");
  if (!on_tenant || !off_tenant || !on_workspace || !off_workspace || !run_route) return std::nullopt;
  const auto v = static_cast<std::size_t>(probe.variant);
  const auto owners = principals_where(model, [&](std::size_t, const Principal& p) { return is_owner(model, p); });
  if (owners.empty()) return std::nullopt;
  const std::size_t owner = owners[v % owners.size()];
  const std::string workspace = model.workspace_of(model.principals()[owner]);
  const auto members = principals_where(model, [&](std::size_t, const Principal& p) {
    return model.workspace_of(p) == workspace && !is_owner(model, p);
  });
  const auto runs = items_of(model, model.workspaces()->runs);
  auto run_of = [&](const std::string& t) -> const Item* {
    for (const Item* r : runs)
      if (r->tenant == t) return r;
    return nullptr;
  };
  auto run_step = [&](bool shown, const Item& run, const std::string& clause, const std::string& label) {
    return bearer_request(clause + ": " + label, "GET", route_url_text(*run_route, {item_arg(model, run.id)})) +
           (shown
                ? expect_item(run)
                : expect_not_found(true));
  };
  FlowText f{"", {"W6", "W5"}, {}, "", "", {}};
  f.steps = token_step(model, as(probe, owner), "owner_token");
  switch (v / owners.size() % 3) {
    case 0: {  // a revoked entitlement, with the member's earlier token
      const auto revocable = principals_where(model, [&](std::size_t i, const Principal& p) {
        return model.workspace_of(p) == workspace && !is_owner(model, p) && selecting_member(model, i);
      });
      if (revocable.empty()) return std::nullopt;
      const std::size_t m = revocable[v % revocable.size()];
      const Principal& member = model.principals()[m];
      const auto usable = usable_tenants(model, member);
      const std::string& t = usable[(v / 3) % usable.size()];
      Principal after = member;
      after.tenants.erase(std::remove(after.tenants.begin(), after.tenants.end(), t), after.tenants.end());
      f.title = "an entitlement revoked under a member's earlier token";
      f.requirements.insert(f.requirements.end(), {"W1", "W2"});
      f.steps += entitlement_step(model, *on_tenant, member, t, true, "the owner entitles the member to " + t + " (again)");
      f.steps += token_step(model, as(probe, m));
      f.steps += select_step(model, member, t, "the member selects " + t);
      f.steps += entitlement_step(model, *off_tenant, member, t, false, "the owner revokes the member's " + t);
      if (const Item* run = run_of(t)) f.steps += run_step(false, *run, "W5", "a run of " + t + " with the earlier token");
      if (const Route* list = panel_route(model, Route::Kind::list))
        f.steps += bearer_request("W1: the panel of " + t + " with the earlier token", "GET", route_url_text(*list, {tenant_arg(model, t)})) +
                   expect_status("tenant_forbidden", {error_check("tenant_forbidden")});
      f.steps += admin_step(model, after, Surface::operations, std::nullopt, t, nullptr, "W2",
                            "the remembered " + t + " is no longer active");
      f.steps += entitlement_step(model, *on_tenant, member, t, true, "the owner entitles the member to " + t + " again", true);
      return f;
    }
    case 1: {  // a member removed from the workspace, with its earlier token
      if (members.empty()) return std::nullopt;
      const Principal& member = model.principals()[members[(v / 3) % members.size()]];
      const auto usable = usable_tenants(model, member);
      const Item* run = usable.empty() ? nullptr : run_of(usable.front());
      if (!run) return std::nullopt;
      const std::string role = member_role_body(model);
      const std::string url = route_url_text(*on_workspace, {workspace_arg(model, workspace), user_arg(member)});
      f.title = "a member removed from the workspace";
      f.steps += bearer_request("W6: the owner keeps the member in the workspace", "PUT", url, "owner_token", role) + expect_status("ok", {});
      f.steps += token_step(model, as(probe, members[(v / 3) % members.size()]));
      f.steps += run_step(true, *run, "W5", "a run of its tenant");
      f.steps += bearer_request("W6: the owner removes the member", "DELETE", route_url_text(*off_workspace, {workspace_arg(model, workspace), user_arg(member)}),
                                "owner_token") + expect_status("ok", {});
      f.steps += run_step(false, *run, "W5", "the same run with the earlier token");  // a member of no workspace now
      f.steps += bearer_request("W6: the owner adds the member back", "PUT", url, "owner_token", role) + expect_status("ok", {}) +
                 K + "cleanup: true\n";
      return f;
    }
    default: {  // a member entitles itself; another workspace's owner tries too
      std::vector<std::pair<std::size_t, std::string>> asks;  // a member and a tenant of the workspace it is not entitled to
      for (const std::size_t m : members)
        for (const auto& t : model.workspaces()->tenants.at(workspace))
          if (!contains(model.principals()[m].tenants, t)) asks.emplace_back(m, t);
      if (asks.empty()) return std::nullopt;
      const auto& [m, t] = asks[(v / 3) % asks.size()];
      const Principal& member = model.principals()[m];
      f.title = "a member entitles itself";
      f.requirements.push_back("I3");
      f.steps += token_step(model, as(probe, m));
      f.steps += bearer_request("W6: the member entitles itself to " + t, "PUT", route_url_text(*on_tenant, {tenant_arg(model, t), user_arg(member)})) +
                 expect_status("forbidden", {error_check("forbidden")});
      if (const Item* run = run_of(t)) f.steps += run_step(false, *run, "I3", "nothing changed: a run of " + t);
      for (const std::size_t other : owners)
        if (model.workspace_of(model.principals()[other]) != workspace) {
          f.steps += token_step(model, as(probe, other), "other_owner_token");
          f.steps += bearer_request("W6: another workspace's owner entitles itself to " + t, "PUT",
                                    route_url_text(*on_tenant, {tenant_arg(model, t), user_arg(model.principals()[other])}), "other_owner_token") +
                     expect_not_found();
          break;
        }
      f.steps += entitlement_step(model, *off_tenant, member, t, false, "the owner takes back what the member may have given itself", true);
      return f;
    }
  }
}

}  // namespace

bool selecting_member(const Model& model, std::size_t index) {
  if (!model.workspaces()) return false;
  int rank = 0;
  for (std::size_t i = 0; i <= index && i < model.principals().size(); ++i) {
    const Principal& p = model.principals()[i];
    // An owner never selects: it changes memberships (W6) and is called alone like any other user.
    if (p.is_client || is_owner(model, p) || usable_tenants(model, p).size() < 2) continue;
    if (i == index) return rank % 2 == 0;
    ++rank;
  }
  return false;
}

std::vector<FlowKind> available_flows(const Model& model, const std::set<std::string>& capabilities, bool allow_writes) {
  std::vector<FlowKind> out;
  if (has_path(model, "discovery")) out.push_back(FlowKind::discovery);
  if (has_path(model, "console_tenants")) out.push_back(FlowKind::console);
  if (has_path(model, "console_profile") && !model.console_profile_user().empty()) out.push_back(FlowKind::profile);
  if (has_path(model, "authorize") && capabilities.count("login-hint")) out.push_back(FlowKind::code);
  if (has_path(model, "token")) out.push_back(FlowKind::refresh);
  if (has_path(model, "introspect")) out.push_back(FlowKind::introspect);
  if (allow_writes) out.push_back(FlowKind::writes);
  if (model.planes()) {  // the writes set what is there already, and write the policy back
    out.push_back(FlowKind::administration);
    if (allow_writes) out.push_back(FlowKind::membership);
    if (capabilities.count("mint")) out.push_back(FlowKind::local_issuer);
    if (capabilities.count("mint") && allow_writes) out.push_back(FlowKind::break_glass);
  }
  if (model.workspaces()) {
    out.insert(out.end(), {FlowKind::admin_context, FlowKind::admin_selection, FlowKind::workspace_panel, FlowKind::run_detail});
    if (allow_writes) out.push_back(FlowKind::workspace_membership);
  }
  if (model.hosts()) {  // callers are sessions: the host flows, and none that asks for tokens
    out = {FlowKind::host_resolution};
    if (capabilities.count("login-hint")) out.insert(out.end(), {FlowKind::host_session, FlowKind::forged_state});
  }
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
    case FlowKind::host_resolution: return model.hosts() ? host_resolution(model, probe) : std::nullopt;
    case FlowKind::host_session: return model.hosts() ? host_session(model, probe) : std::nullopt;
    case FlowKind::forged_state: return model.hosts() ? forged_state(model, probe) : std::nullopt;
    case FlowKind::administration: return model.planes() ? administration(model, probe) : std::nullopt;
    case FlowKind::membership: return model.planes() ? membership(model, probe) : std::nullopt;
    case FlowKind::break_glass: return model.planes() ? break_glass(model, probe) : std::nullopt;
    case FlowKind::local_issuer: return model.planes() ? local_issuer(model, probe) : std::nullopt;
    case FlowKind::admin_context: return model.workspaces() ? admin_context(model, probe) : std::nullopt;
    case FlowKind::admin_selection: return model.workspaces() ? admin_selection(model, probe) : std::nullopt;
    case FlowKind::workspace_panel: return model.workspaces() ? workspace_panel(model, probe) : std::nullopt;
    case FlowKind::run_detail: return model.workspaces() ? run_detail(model, probe) : std::nullopt;
    case FlowKind::workspace_membership: return model.workspaces() ? workspace_membership(model, probe) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace tc::explore
