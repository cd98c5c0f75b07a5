// The stub Gateway (contract G1–G6, O1, E1, U2): every request is checked in contract order —
// G1 authentication, route, G2 strip, G3 tenant resolution, G4 scope — and the first failing check
// decides the answer; a request that passes them all is forwarded (G5). Each decision is audited (G6).
#include <ctime>
#include <memory>

#include "common/crypto.h"
#include "common/http_client.h"
#include "stubs/envelope.h"
#include "stubs/gateway/audit.h"
#include "stubs/gateway/authn.h"
#include "stubs/gateway/forward.h"
#include "stubs/gateway/routes.h"
#include "stubs/gateway/scope.h"
#include "stubs/gateway/strip.h"
#include "stubs/gateway/tenant_resolution.h"
#include "stubs/stub_context.h"

namespace tc::stub {
namespace {

using gateway::Decision;
using nlohmann::json;

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// A quoted-string parameter of WWW-Authenticate (RFC 9110 §11.4) may not carry quotes or controls;
// a reason may echo caller input (an alg name), so it is also kept short.
std::string header_safe(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 200)) out += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '\'' : c;
  return out;
}

// Response headers of a backend the caller does not get: connection-specific ones, and those the
// gateway itself decides (tenant, correlation id, cache policy).
bool gateway_owned(const std::string& name, const ContractProfile& p) {
  static const std::vector<std::string> fixed = {"Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade",
                                                 "Content-Length", "Server", "Date", "Proxy-Connection"};
  std::vector<std::string> names = fixed;
  for (const char* key : {"tenant", "correlation_id", "cache_control", "vary", "actor", "context_signature"})
    names.push_back(p.header(key));
  for (auto& alias : p.header_list("tenant_aliases")) names.push_back(alias);
  for (auto& name_ : p.header_list("identity")) names.push_back(name_);
  for (const auto& n : names)
    if (iequals(n, name)) return true;
  return false;
}

class Gateway : public Role {
 public:
  explicit Gateway(StubContext& ctx)
      : ctx_(ctx),
        p_(ctx.profile),
        issuer_(without_trailing_slash(ctx.options.authority_url)),
        audience_(ctx.options.audience.empty() ? ctx.profile.value("default_audience") : ctx.options.audience),
        jwks_([this] { return fetch_jwks(); }) {}

  Response handle(const Request& req) override;

 private:
  bool fault(const char* name) const { return ctx_.faults.on(name); }
  Result<json> fetch_jwks();
  void record(const Decision& d) {
    if (d.allow && fault("gateway.no_audit_on_allow")) return;
    ctx_.audit->record(gateway::audit_record(d, p_));
  }
  Response error(int status, const std::string& name, const std::string& description, const std::string& cid,
                 const json& extra = json::object()) const;
  Response error(const std::string& name, const std::string& description, const std::string& cid) const {
    return error(p_.status(name), name, description, cid);
  }
  Response unauthorized(const std::string& name, const std::string& description, Decision d);
  std::optional<Response> check_scope(const Route& route, const json& claims, Decision d);
  // G3 with its audit record (G6), when the decision has one.
  gateway::TenantDecision resolve_tenant(const Route& route, const gateway::RouteMatch& match,
                                         const gateway::Stripped& stripped, const json& claims, Decision d);
  Response forward(const Request& req, const Route& route, const std::map<std::string, std::string>& params,
                   const gateway::Stripped& stripped, const std::optional<std::string>& tenant,
                   const json& claims, Decision d);

  StubContext& ctx_;
  const ContractProfile& p_;
  std::string issuer_, audience_;
  HttpClient jwks_client_;  // used only inside fetch_jwks, which JwksCache serialises
  gateway::JwksCache jwks_;
};

Result<json> Gateway::fetch_jwks() {
  HttpRequest r;
  r.url = issuer_ + p_.path("jwks");
  r.timeout_ms = 5000;
  auto got = jwks_client_.send(r);
  if (!got.ok()) return got.error();
  if (got->status != p_.status("ok")) return environment_error("authority", "JWKS answered " + std::to_string(got->status));
  auto parsed = json::parse(got->body, nullptr, false);
  if (parsed.is_discarded()) return environment_error("authority", "JWKS is not JSON");
  return parsed;
}

Response Gateway::error(int status, const std::string& name, const std::string& description,
                        const std::string& cid, const json& extra) const {
  Response r = error_response(status, name, description, cid, p_, extra);
  if (fault("gateway.error_without_correlation_id")) {
    json body = json::parse(r.body);
    body.erase("correlation_id");
    r.body = body.dump();
  }
  return r;
}

Response Gateway::unauthorized(const std::string& name, const std::string& description, Decision d) {
  d.event = "authn_failed";
  d.status = p_.status(name);
  d.reason = p_.error(name);
  record(d);
  Response r = error(name, description, d.correlation_id);
  if (!fault("gateway.no_www_authenticate")) {
    std::string challenge = p_.value("bearer_scheme");
    if (name != "unauthenticated")  // RFC 6750 §3.1: no error attribute when no credentials were given
      challenge += " error=\"" + p_.error(name) + "\", error_description=\"" + header_safe(description) + "\"";
    r.headers.set(p_.header("www_authenticate"), challenge);
  }
  return r;
}

std::optional<Response> Gateway::check_scope(const Route& route, const json& claims, Decision d) {
  if (fault("gateway.scope_unchecked")) return std::nullopt;
  auto scope_claim = claims.find(p_.claim("scope"));
  auto granted = gateway::granted_scopes(scope_claim == claims.end() ? json(nullptr) : *scope_claim);
  if (gateway::has_scope(granted, route.scope)) return std::nullopt;
  d.event = "authz_denied";
  d.status = p_.status("insufficient_scope");
  d.reason = p_.error("insufficient_scope");
  record(d);
  Response r = error(d.status, "insufficient_scope", "the route needs scope " + route.scope, d.correlation_id,
                     {{p_.value("required_scope_field"), route.scope}, {p_.value("granted_scopes_field"), granted}});
  r.headers.set(p_.header("www_authenticate"), p_.value("bearer_scheme") + " error=\"" +
                                                   p_.error("insufficient_scope") + "\", scope=\"" + route.scope + "\"");
  return r;
}

Response Gateway::forward(const Request& req, const Route& route, const std::map<std::string, std::string>& params,
                          const gateway::Stripped& stripped, const std::optional<std::string>& tenant,
                          const json& claims, Decision d) {
  d.event = "request_forwarded";
  auto backend = ctx_.options.backends.find(route.backend);
  gateway::Upstream up;
  up.method = req.method;
  up.path = gateway::upstream_path(route, params);
  auto q = req.target.find('?');
  up.query = q == std::string::npos ? "" : req.target.substr(q + 1);
  up.headers = stripped.forward;
  up.body = req.body;
  up.tenant = tenant;
  auto sub = claims.find(p_.claim("subject"));
  up.actor = sub != claims.end() && sub->is_string() ? sub->get<std::string>() : "";
  up.correlation_id = d.correlation_id;

  Result<HttpResponse> answer = environment_error(route.backend, "no backend configured for role " + route.backend);
  if (backend != ctx_.options.backends.end()) {
    up.base_url = backend->second;
    gateway::ForwardOptions options;
    options.shared_secret = ctx_.options.shared_secret;
    options.now = static_cast<long long>(std::time(nullptr));
    options.skip_alias_rewrite = fault("gateway.skip_alias_rewrite");
    options.unsigned_forward = fault("gateway.unsigned_forward");
    options.keep_caller_tenant = fault("gateway.forward_caller_tenant_header");
    answer = gateway::send_upstream(gateway::upstream_request(up, p_, options));
  }
  if (!answer.ok()) {
    d.allow = false;
    d.status = p_.status("upstream_unavailable");
    d.reason = p_.error("upstream_unavailable");
    record(d);
    return error("upstream_unavailable", "the " + route.backend + " backend cannot be reached", d.correlation_id);
  }

  Response r;
  r.status = answer->status;
  r.body = answer->body;
  for (const auto& [name, value] : answer->headers.entries())
    if (!gateway_owned(name, p_)) r.headers.add(name, value);
  if (tenant) r.headers.set(p_.header("tenant"), *tenant);
  r.headers.set(p_.header("correlation_id"), d.correlation_id);
  if (route.tenant_scoped && !fault("gateway.cacheable_tenant_response")) {
    r.headers.set(p_.header("cache_control"), p_.value("tenant_scoped_cache_control"));
    r.headers.set(p_.header("vary"), p_.value("tenant_scoped_vary"));
  }
  d.allow = true;
  d.status = r.status;
  record(d);
  return r;
}

gateway::TenantDecision Gateway::resolve_tenant(const Route& route, const gateway::RouteMatch& match,
                                                const gateway::Stripped& stripped, const json& claims, Decision d) {
  gateway::TenantInput input;
  input.values = stripped.tenant_values;
  if (!route.tenant_param.empty() && !fault("gateway.path_tenant_ignored")) {
    auto it = match.params.find(route.tenant_param);
    if (it != match.params.end()) input.values.push_back(it->second);
  }
  auto claim_tenant = claims.find(p_.claim("tenant"));
  if (claim_tenant != claims.end() && claim_tenant->is_string()) input.claim_tenant = claim_tenant->get<std::string>();
  auto allowed = claims.find(p_.claim("allowed_tenants"));
  if (allowed != claims.end() && allowed->is_array())
    for (const auto& t : *allowed)
      if (t.is_string()) input.allowed_tenants.push_back(t.get<std::string>());
  if (allowed != claims.end() && allowed->is_string()) input.allowed_tenants.push_back(allowed->get<std::string>());
  input.tenant_scoped = route.tenant_scoped;
  gateway::TenantPolicy policy;
  policy.tenant_pattern = p_.regex("tenant_id");
  policy.strict_claim_match = p_.flag("strict_claim_match");
  policy.conflict_allowed = fault("gateway.conflict_allowed");
  policy.header_overrides_claim = fault("gateway.header_overrides_claim");
  policy.case_insensitive = fault("gateway.tenant_case_insensitive");
  policy.missing_tenant_allowed = fault("gateway.missing_tenant_allowed");
  auto tenant = gateway::resolve_tenant(input, policy);
  if (!tenant.event.empty()) {
    d.event = tenant.event;
    d.allow = tenant.allowed();
    d.status = tenant.allowed() ? p_.status("ok") : p_.status(tenant.error);
    d.reason = tenant.allowed() ? json(nullptr) : json(p_.error(tenant.error));
    d.resolved_tenant = tenant.resolved;
    d.attempted_tenant = tenant.attempted;
    if (tenant.event == "tenant_override_rejected" && fault("gateway.audit_without_attempted_tenant"))
      d.attempted_tenant = nullptr;
    record(d);
  }
  return tenant;
}

Response Gateway::handle(const Request& req) {
  const std::string cid = fault("gateway.correlation_id_replaced") ? uuid_v4() : correlation_id_of(req, p_);
  if (req.method == "GET" && req.path == p_.path("audit"))  // U2, a stub-only capability without auth
    return json_response(p_.status("ok"),
                         {{"records", ctx_.audit->query(req.query_param("correlation_id").value_or(""),
                                                        req.query_param("event").value_or(""))}},
                         cid, p_);

  Decision d;
  d.correlation_id = cid;
  d.method = req.method;
  d.path = req.path;

  // G1
  auto token = gateway::bearer_token(req.headers, p_.header("authorization"), p_.value("bearer_scheme"));
  if (!token) return unauthorized("unauthenticated", "a bearer token is required", d);
  gateway::TokenRules rules;
  rules.issuer = issuer_;
  rules.audience = audience_;
  rules.leeway_seconds = p_.window("token_leeway_seconds");
  rules.now = static_cast<long long>(std::time(nullptr));
  rules.audience_claim = p_.claim("audience");
  rules.issuer_claim = p_.claim("issuer");
  rules.accept_expired = fault("gateway.accept_expired_token");
  rules.accept_alg_none = fault("gateway.accept_alg_none");
  rules.accept_wrong_audience = fault("gateway.accept_wrong_audience");
  auto verdict = gateway::check_token(*token, jwks_, rules);
  if (!verdict.ok()) return unauthorized("invalid_token", verdict.problem, d);
  const json& claims = verdict.claims;
  d.actor = gateway::actor_of(claims, p_);

  auto match = gateway::match_route(ctx_.fixtures.routes, req.method, req.path);
  if (!match.route) {
    if (match.path_known)
      return error(p_.status("method_not_allowed"), "invalid_request", req.method + " is not allowed on " + req.path, cid);
    return error("not_found", "no route for " + req.path, cid);
  }
  const Route& route = *match.route;

  // G2
  gateway::StripOptions strip_options;
  strip_options.exact_case_only = fault("gateway.strip_exact_case_only");
  strip_options.keep_tenant_headers = fault("gateway.forward_caller_tenant_header");
  strip_options.keep_identity_headers = fault("gateway.forward_caller_actor");
  auto stripped = gateway::strip_headers(req.headers, p_, strip_options);

  // O1: scope after tenant resolution (the fault swaps them)
  const bool scope_first = fault("gateway.scope_before_tenant");
  if (scope_first)
    if (auto denied = check_scope(route, claims, d)) return *denied;

  // G3
  auto tenant = resolve_tenant(route, match, stripped, claims, d);
  d.resolved_tenant = tenant.resolved;
  d.attempted_tenant = tenant.attempted;
  if (!tenant.allowed()) return error(tenant.error, tenant.description, cid);

  // G4
  if (!scope_first)
    if (auto denied = check_scope(route, claims, d)) return *denied;

  // G5
  return forward(req, route, match.params, stripped, tenant.tenant, claims, d);
}

}  // namespace

std::unique_ptr<Role> make_gateway(StubContext& ctx) { return std::make_unique<Gateway>(ctx); }

}  // namespace tc::stub
