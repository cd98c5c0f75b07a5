// The stub Gateway (contract G1–G6, O1, E1): every request is checked in contract order —
// G1 authentication (the frame's guard, so it decides before the route: Interpretation 4), route
// (the fixtures' table, matched by the frame), G2 strip, G3 tenant resolution, G4 scope — and the
// first failing check decides the answer; a request that passes them all is forwarded (G5). Each
// decision is stated to the frame, which records it (G6).
#include <memory>

#include "common/http_client.h"
#include "common/utc_time.h"
#include "stubs/credentials.h"
#include "stubs/envelope.h"
#include "stubs/frame.h"
#include "stubs/gateway/authn.h"
#include "stubs/gateway/forward.h"
#include "stubs/gateway/host_tenant.h"
#include "stubs/gateway/memberships.h"
#include "stubs/gateway/plane_admin.h"
#include "stubs/gateway/rate_limit.h"
#include "stubs/gateway/scope.h"
#include "stubs/gateway/sign_in.h"
#include "stubs/gateway/strip.h"
#include "stubs/gateway/tenant_resolution.h"
#include "stubs/gateway/workspace_admin.h"

namespace tc::stub {
namespace {

using nlohmann::json;

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Response headers of a backend the caller does not get: connection-specific ones, and those the
// gateway itself decides (tenant, correlation id, cache policy).
std::vector<std::string> gateway_owned_headers(const ContractProfile& p) {
  std::vector<std::string> names = {"Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade",
                                    "Content-Length", "Server", "Date", "Proxy-Connection"};
  for (const char* key : {"tenant", "correlation_id", "cache_control", "vary", "actor", "context_signature"})
    names.push_back(p.header(key));
  for (auto& alias : p.header_list("tenant_aliases")) names.push_back(alias);
  if (const json* slug = p.find("headers.tenant_slug"); slug && slug->is_string()) names.push_back(slug->get<std::string>());
  for (auto& name : p.header_list("identity")) names.push_back(name);
  return names;
}

class Gateway {
 public:
  explicit Gateway(StubContext& ctx)
      : ctx_(ctx),
        p_(ctx.profile),
        issuer_(without_trailing_slash(ctx.options.authority_url)),
        audience_(ctx.options.audience.empty() ? ctx.profile.value("default_audience") : ctx.options.audience),
        owned_(gateway_owned_headers(ctx.profile)),
        jwks_([this] { return fetch_jwks(); }) {
    // What the profile and the faults decide is fixed for the process: built once, not per request.
    token_rules_.issuer = issuer_;
    token_rules_.audience = audience_;
    token_rules_.leeway_seconds = p_.window("token_leeway_seconds");
    token_rules_.audience_claim = p_.claim("audience");
    token_rules_.issuer_claim = p_.claim("issuer");
    token_rules_.accept_expired = fault("gateway.accept_expired_token");
    token_rules_.accept_alg_none = fault("gateway.accept_alg_none");
    token_rules_.accept_wrong_audience = fault("gateway.accept_wrong_audience");
    token_rules_.exp_leeway_doubled = fault("gateway.exp_leeway_doubled");
    token_rules_.nbf_leeway_doubled = fault("gateway.nbf_leeway_doubled");
    // P5: the local issuer only for a development gateway (the fault: a production one too).
    if (ctx_.options.development || fault("gateway.local_issuer_in_production")) token_rules_.local_issuer = ctx_.tenancy.local_issuer;
    strip_options_.exact_case_only = fault("gateway.strip_exact_case_only");
    strip_options_.keep_tenant_headers = fault("gateway.forward_caller_tenant_header");
    strip_options_.keep_identity_headers = fault("gateway.forward_caller_actor");
    strip_options_.percent_decode_values = fault("gateway.tenant_percent_decoded");
    strip_options_.last_line_wins = fault("gateway.repeated_header_last_wins");
    tenant_policy_.tenant_pattern = p_.regex("tenant_id");
    tenant_policy_.strict_claim_match = p_.flag("strict_claim_match");
    tenant_policy_.conflict_allowed = fault("gateway.conflict_allowed");
    tenant_policy_.header_overrides_claim = fault("gateway.header_overrides_claim");
    tenant_policy_.case_insensitive = fault("gateway.tenant_case_insensitive") || fault("gateway.tid_case_insensitive");
    tenant_policy_.path_checked_against_header_only = fault("gateway.path_tenant_checked_against_header_only");
    tenant_policy_.missing_tenant_allowed = fault("gateway.missing_tenant_allowed");
    forward_options_.shared_secret = ctx_.options.shared_secret;
    forward_options_.skip_alias_rewrite = fault("gateway.skip_alias_rewrite");
    forward_options_.unsigned_forward = fault("gateway.unsigned_forward");
    forward_options_.keep_caller_tenant = fault("gateway.forward_caller_tenant_header");
    host_options_.trust_any_peer = fault("gateway.forwarded_host_from_any_caller");
    host_options_.host_first = fault("gateway.host_before_origin");
    host_options_.placeholder_keeps_own_slug = fault("gateway.placeholder_reports_own_slug");
    if (ctx_.tenancy.sign_in) {  // the gateway's own routes (Route::action) serve it
      gateway::SignInFaults f;
      f.slug_lost = fault("gateway.oauth_slug_lost");
      f.state_unchecked = fault("gateway.oauth_state_unchecked");
      f.any_tenant_host = fault("gateway.session_any_tenant_host");
      f.two_slugs = fault("gateway.session_payload_two_slugs");
      sign_in_ = std::make_unique<gateway::SignIn>(ctx_, jwks_, token_rules_, f);
    }
    if (ctx_.tenancy.admin || ctx_.tenancy.policy)
      memberships_ = std::make_unique<gateway::Memberships>(ctx_.fixtures, ctx_.tenancy);
    if (ctx_.tenancy.policy) {  // the gateway's own routes (Route::action) serve tenant and platform administration
      gateway::PlaneAdminFaults f;
      f.tenant_admin_platform_root = fault("gateway.tenant_admin_platform_root");
      f.admin_role_any_tenant = fault("gateway.tenant_admin_any_tenant");
      f.member_writes_members = fault("gateway.member_changes_memberships");
      f.break_glass_without_assurance = fault("gateway.break_glass_without_assurance");
      f.break_glass_unaudited = fault("gateway.break_glass_unaudited");
      f.unprefixed_tenant_accepted = fault("gateway.unprefixed_tenant_accepted");
      f.outbox_missing_on_change = fault("gateway.outbox_missing_on_change");
      f.outbox_before_authorization = fault("gateway.outbox_before_authorization");
      f.outbox_target_is_actor_tenant = fault("gateway.outbox_target_is_actor_tenant");
      f.outbox_unmasked = fault("gateway.outbox_unmasked");
      plane_admin_ = std::make_unique<gateway::PlaneAdmin>(ctx_, *memberships_, f);
    }
    if (ctx_.tenancy.admin) {  // the gateway's own routes (Route::action) serve the admin surfaces
      gateway::WorkspaceAdminFaults f;
      f.remembered_wins = fault("gateway.admin_remembered_wins");
      f.unentitled_tenant_active = fault("gateway.admin_unentitled_tenant_active");
      f.read_remembers = fault("gateway.admin_read_remembers");
      f.remembered_unchecked = fault("gateway.admin_remembered_unchecked");
      f.operations_keep_filters = fault("gateway.admin_operations_keep_filters");
      f.run_without_membership = fault("gateway.admin_run_without_membership");
      f.run_without_entitlement = fault("gateway.admin_run_without_entitlement");
      f.groups_widen = fault("gateway.admin_groups_widen");
      f.search_tenant_owned = fault("gateway.admin_search_tenant_owned");
      f.navigation_tenant_owned = fault("gateway.admin_navigation_tenant_owned");
      f.select_unentitled = fault("gateway.select_unentitled_tenant");
      f.entitlement_from_token = fault("gateway.entitlement_from_token");
      f.panel_uses_remembered = fault("gateway.panel_uses_remembered_tenant");
      f.member_change_by_member = fault("gateway.membership_changed_by_member");
      admin_ = std::make_unique<gateway::WorkspaceAdmin>(ctx_, *memberships_, f);
    }
  }

  // G1, before the route: the verified claims become the call's principal. On a platform whose tenant
  // comes from the host (H1), the host's tenant is worked out first and echoed on every answer (H2),
  // and a sign-in platform's principal is its session (H5).
  std::optional<Response> authenticate(Call& call);
  // Whether answering `request` may fetch the Authority's keys or exchange a sign-in code: not for a
  // bearer token that verified with the key set as it is (the forward itself waits on nothing).
  bool may_wait(const Request& request) const;
  // G2–G5 for a request on `route`.
  Response serve(Call& call, const Route& route, const PathParams& params);

 private:
  bool fault(const char* name) const { return ctx_.faults.on(name); }
  // States a refusal to the frame (G6): `d` with `event` (kept when null), `reason`, and the
  // profile's status named `status` (default: `reason`).
  void refuse(Call& call, Decision d, const char* event, const std::string& reason, const char* status = nullptr) const {
    if (event) d.event = event;
    d.allow = false;
    d.status = p_.status(status ? std::string(status) : reason);
    d.reason = reason;
    call.decide(d);
  }
  Result<json> fetch_jwks();
  std::optional<Response> authenticate_bearer(Call& call);
  std::optional<Response> authenticate_on_host(Call& call);
  // The host and its tenant the guard worked out (H1); nothing when the platform has no hosts rules.
  static gateway::HostContext host_context(const Call& call) {
    return call.context ? *std::static_pointer_cast<gateway::HostContext>(call.context) : gateway::HostContext{};
  }
  // G3 on a host-tenancy platform (H1, H3): `host`'s tenant becomes `tenant`; a placeholder serves no
  // tenant data.
  std::optional<Response> check_host_tenant(Call& call, const Route& route, const std::optional<gateway::HostTenant>& host,
                                            std::optional<std::string>& tenant, Decision& d);
  Response unauthorized(Call& call, const std::string& name, const std::string& description);
  std::optional<Response> check_scope(Call& call, const Route& route, Decision d);
  // G3 with its decision (G6), when the resolution has one.
  gateway::TenantDecision resolve_tenant(Call& call, const Route& route, const PathParams& params,
                                         const gateway::Stripped& stripped, Decision d);
  // Seed 003's tenancy rules (fixtures tenancy.yaml) for the resolved tenant: T4 lifecycle, T2 rate limit.
  std::optional<Response> check_lifecycle(Call& call, const std::optional<std::string>& tenant, Decision d);
  std::optional<Response> check_rate(Call& call, const std::optional<std::string>& tenant, Decision d);
  // G5: a pending answer, the backend's request; `forwarded` makes the answer from its outcome.
  Response forward(Call& call, const Route& route, const PathParams& params, const gateway::Stripped& stripped,
                   const std::optional<std::string>& tenant, Decision d, const std::string& slug = "");
  Response forwarded(Call& call, const Route& route, const std::optional<std::string>& tenant, Decision d,
                     Result<HttpResponse> answer);
  bool owned(const std::string& name) const {
    for (const auto& n : owned_)
      if (iequals(n, name)) return true;
    return false;
  }

  StubContext& ctx_;
  const ContractProfile& p_;
  std::string issuer_, audience_;
  std::vector<std::string> owned_;
  HttpClient jwks_client_;  // used only inside fetch_jwks, which JwksCache serialises
  gateway::JwksCache jwks_;
  gateway::TokenRules token_rules_;        // `now` set per request on a copy
  gateway::StripOptions strip_options_;
  gateway::TenantPolicy tenant_policy_;
  gateway::ForwardOptions forward_options_;  // `now` set per request on a copy
  gateway::RateLimiter limiter_;
  gateway::HostOptions host_options_;
  std::unique_ptr<gateway::SignIn> sign_in_;  // a platform with tenancy.yaml sign_in
  std::unique_ptr<gateway::Memberships> memberships_;  // a platform whose memberships change during a run
  std::unique_ptr<gateway::WorkspaceAdmin> admin_;  // a platform with tenancy.yaml workspaces and admin
  std::unique_ptr<gateway::PlaneAdmin> plane_admin_;  // a platform with tenancy.yaml planes and policy
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

Response Gateway::unauthorized(Call& call, const std::string& name, const std::string& description) {
  refuse(call, Decision{}, "authn_failed", name);
  Response r = error_response(name, description, call.correlation_id, p_);
  if (!fault("gateway.no_www_authenticate")) {
    // RFC 6750 §3.1: no error attribute when no credentials were given.
    if (name == "unauthenticated") set_challenge(r, p_, "bearer_scheme");
    else set_challenge(r, p_, "bearer_scheme", {{"error", p_.error(name)}, {"error_description", description}});
  }
  return r;
}

std::optional<Response> Gateway::authenticate(Call& call) {
  return ctx_.tenancy.hosts ? authenticate_on_host(call) : authenticate_bearer(call);
}

std::optional<Response> Gateway::authenticate_on_host(Call& call) {
  auto host = gateway::resolve_host(call.request.headers, call.request.remote, p_, ctx_.tenancy, host_options_);
  const auto tenant = host.tenant;
  if (tenant) {
    call.echo.set(p_.header("tenant"), tenant->id);
    call.echo.set(p_.header("tenant_slug"), tenant->slug);
  }
  call.context = std::make_shared<gateway::HostContext>(std::move(host));
  if (call.open_route) return std::nullopt;
  if (!sign_in_) return authenticate_bearer(call);
  auto principal = sign_in_->session_principal(call.request, tenant);
  if (principal) {
    call.principal = std::make_shared<const json>(std::move(*principal));
    return std::nullopt;
  }
  // Another tenant's session is no session here (H5): the same answer as none.
  Decision d;
  if (tenant) d.attempted_tenant = tenant->id;
  refuse(call, d, "authn_failed", "unauthenticated");
  return error_response("unauthenticated", "a session on this tenant's host is required", call.correlation_id, p_);
}

bool Gateway::may_wait(const Request& request) const {
  if (sign_in_) return true;
  auto token = bearer_token(request, p_);
  return token && !jwks_.verified(*token);
}

std::optional<Response> Gateway::authenticate_bearer(Call& call) {
  auto token = bearer_token(call.request, p_);
  if (!token) return unauthorized(call, "unauthenticated", "a bearer token is required");
  gateway::TokenRules rules = token_rules_;
  rules.now = epoch_seconds();
  auto verdict = gateway::check_token(*token, jwks_, rules);
  if (!verdict.ok()) return unauthorized(call, "invalid_token", verdict.problem);
  call.principal = std::move(verdict.claims);
  return std::nullopt;
}

std::optional<Response> Gateway::check_scope(Call& call, const Route& route, Decision d) {
  if (fault("gateway.scope_unchecked")) return std::nullopt;
  const json& claims = call.claims();
  auto scope_claim = claims.find(p_.claim("scope"));
  auto granted = gateway::granted_scopes(scope_claim == claims.end() ? json(nullptr) : *scope_claim);
  if (gateway::has_scope(granted, route.scope)) return std::nullopt;
  refuse(call, d, "authz_denied", "insufficient_scope");
  Response r = error_response(p_.status("insufficient_scope"), "insufficient_scope", "the route needs scope " + route.scope, call.correlation_id,
                              p_, {{p_.value("required_scope_field"), route.scope}, {p_.value("granted_scopes_field"), granted}});
  set_challenge(r, p_, "bearer_scheme", {{"error", p_.error("insufficient_scope")}, {"scope", route.scope}});
  return r;
}

Response Gateway::forward(Call& call, const Route& route, const PathParams& params, const gateway::Stripped& stripped,
                          const std::optional<std::string>& tenant, Decision d, const std::string& slug) {
  const Request& req = call.request;
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
  up.actor = d.actor.sub.value_or("");
  up.correlation_id = call.correlation_id;

  if (backend == ctx_.options.backends.end())
    return forwarded(call, route, tenant, d, environment_error(route.backend, "no backend configured for role " + route.backend));
  up.base_url = backend->second;
  gateway::ForwardOptions options = forward_options_;
  options.now = epoch_seconds();
  auto request = gateway::upstream_request(std::move(up), p_, options);
  if (!slug.empty()) request.headers.set(p_.header("tenant_slug"), slug);
  Response pending;
  // The frame keeps `call` alive until the answer is made; routes live as long as the gateway.
  pending.pending = std::make_shared<Pending>(Pending{
      std::move(request), [this, &call, &route, tenant, d](Result<HttpResponse> answer) {
        return forwarded(call, route, tenant, d, std::move(answer));
      }});
  return pending;
}

Response Gateway::forwarded(Call& call, const Route& route, const std::optional<std::string>& tenant, Decision d,
                            Result<HttpResponse> answer) {
  if (!answer.ok()) {
    refuse(call, d, nullptr, "upstream_unavailable");
    return error_response("upstream_unavailable", "the " + route.backend + " backend cannot be reached",
                          call.correlation_id, p_);
  }

  Response r;
  r.status = answer->status;
  r.body = std::move(answer->body);
  for (const auto& [name, value] : answer->headers.entries())
    if (!owned(name)) r.headers.add(name, value);
  // A HEAD answer has no body to measure: the length is the backend's (RFC 9110 §9.3.2).
  if (call.request.method == "HEAD")
    if (auto length = answer->headers.get("Content-Length")) r.headers.set("Content-Length", *length);
  if (tenant)  // (the fault answers with the token's own tenant, not the one selected)
    r.headers.set(p_.header("tenant"), fault("gateway.answer_tenant_from_claim") && d.actor.tenant ? *d.actor.tenant : *tenant);
  r.headers.set(p_.header("correlation_id"), call.correlation_id);
  if (route.tenant_scoped && !fault("gateway.cacheable_tenant_response")) {
    r.headers.set(p_.header("cache_control"), p_.value("tenant_scoped_cache_control"));
    r.headers.set(p_.header("vary"), p_.value("tenant_scoped_vary"));
  }
  d.allow = true;
  d.status = r.status;
  call.decide(d);
  return r;
}

gateway::TenantDecision Gateway::resolve_tenant(Call& call, const Route& route, const PathParams& params,
                                                const gateway::Stripped& stripped, Decision d) {
  const json& claims = call.claims();
  gateway::TenantInput input;
  input.values = stripped.tenant_values;
  if (input.values.empty() && fault("gateway.query_tenant_selects"))  // (the fault: a query names the tenant)
    if (auto queried = call.request.query_param("tenant")) input.values.push_back(*queried);
  input.header_values = input.values.size();
  if (!route.tenant_param.empty() && !fault("gateway.path_tenant_ignored")) {
    auto it = params.find(route.tenant_param);
    if (it != params.end()) input.values.push_back(it->second);
  }
  input.claim_tenant = d.actor.tenant;
  auto allowed = claims.find(p_.claim("allowed_tenants"));
  if (allowed != claims.end() && allowed->is_array())
    for (const auto& t : *allowed)
      if (t.is_string()) input.allowed_tenants.push_back(t.get<std::string>());
  if (allowed != claims.end() && allowed->is_string()) input.allowed_tenants.push_back(allowed->get<std::string>());
  input.tenant_scoped = route.tenant_scoped;
  auto tenant = gateway::resolve_tenant(input, tenant_policy_);
  if (!tenant.event.empty()) {
    d.event = tenant.event;
    d.allow = tenant.allowed();
    d.status = tenant.allowed() ? p_.status("ok") : p_.status(tenant.error);
    d.reason = tenant.error;
    d.resolved_tenant = tenant.resolved;
    d.attempted_tenant = tenant.attempted;
    if (tenant.event == "tenant_override_rejected" && fault("gateway.audit_without_attempted_tenant"))
      d.attempted_tenant = nullptr;
    const bool by_path = tenant.allowed() && input.header_values == 0;
    if (!(by_path && fault("gateway.path_selection_unaudited"))) call.decide(d);
  }
  return tenant;
}

std::optional<Response> Gateway::check_lifecycle(Call& call, const std::optional<std::string>& tenant, Decision d) {
  const auto& rules = ctx_.tenancy;
  if (!rules.lifecycle() || fault("gateway.inactive_tenant_accepted")) return std::nullopt;
  // The credentials of a refused tenant, and requests acting in one, are both refused.
  std::optional<std::string> refused;
  if (d.actor.tenant && rules.refused(*d.actor.tenant)) refused = d.actor.tenant;
  else if (tenant && rules.refused(*tenant)) refused = tenant;
  if (!refused) return std::nullopt;
  refuse(call, d, "tenant_inactive", "tenant_inactive");
  // Locked and offboarded answer alike: the description does not say which.
  return error_response("tenant_inactive", "the tenant's credentials are not accepted", call.correlation_id, p_);
}

std::optional<Response> Gateway::check_rate(Call& call, const std::optional<std::string>& tenant, Decision d) {
  const auto& rules = ctx_.tenancy;
  if (!tenant || !rules.rate_limited()) return std::nullopt;
  auto limit = rules.limit(*tenant);
  if (limit && fault("gateway.rate_limit_ignores_negotiated")) {
    auto tier = rules.tiers.find(rules.tier(*tenant));
    if (tier != rules.tiers.end()) limit = tier->second;
  }
  if (!limit) return std::nullopt;
  const std::string key = fault("gateway.rate_limit_shared_across_tenants") ? "tier " + rules.tier(*tenant) : *tenant;
  const auto verdict = limiter_.count(key, *limit);
  if (verdict.allowed) return std::nullopt;
  refuse(call, d, "rate_limited", "rate_limited", "too_many_requests");
  Response r = error_response(p_.status("too_many_requests"), "rate_limited",
                              "the tenant's limit of " + std::to_string(limit->requests) + " requests per " +
                                  std::to_string(limit->window_seconds) + " s is used up",
                              call.correlation_id, p_);
  if (!fault("gateway.rate_limited_without_retry_after"))
    r.headers.set(p_.header("retry_after"), std::to_string(verdict.retry_after_seconds));
  return r;
}

std::optional<Response> Gateway::check_host_tenant(Call& call, const Route& route, const std::optional<gateway::HostTenant>& host,
                                                   std::optional<std::string>& tenant, Decision& d) {
  if (host) tenant = host->id;
  d.resolved_tenant = or_null(tenant);
  if (!route.tenant_scoped) return std::nullopt;
  if (!host) {
    refuse(call, d, "tenant_missing", "tenant_missing");
    return error_response("tenant_missing", "the host names no tenant", call.correlation_id, p_);
  }
  if (!host->placeholder) return std::nullopt;
  if (fault("gateway.placeholder_serves_data")) {
    // The fault: a placeholder falls back to the first provisioned tenant's data.
    for (const auto& [id, rules] : ctx_.tenancy.tenants) {
      if (id == host->id) continue;
      tenant = id;
      d.resolved_tenant = id;
      return std::nullopt;
    }
  }
  refuse(call, d, "tenant_placeholder", "tenant_placeholder");
  return error_response("tenant_placeholder", "the tenant '" + host->slug + "' is not provisioned", call.correlation_id, p_);
}

Response Gateway::serve(Call& call, const Route& route, const PathParams& params) {
  Decision d;
  d.actor = Actor::from_claims(call.claims(), p_);
  // The gateway's own actions; a platform without the tenancy section one needs has none of its
  // routes (the stub program checks).
  if (route.action != "forward") {
    const auto section = action_needs(route.action).section;
    if (section == "admin") return admin_->serve(call, route, params);
    if (section == "policy") return plane_admin_->serve(call, route, params);
    return sign_in_->serve(call, route, params, host_context(call));
  }

  // G2
  auto stripped = gateway::strip_headers(call.request.headers, p_, strip_options_);

  // H1, H3: the host decides the tenant; the caller's tenant headers are stripped, never believed,
  // and so are the host sources only a trusted proxy may set (the host the gateway believed is its own).
  if (ctx_.tenancy.hosts) {
    for (const auto& source : ctx_.tenancy.hosts->trusted_sources) stripped.forward.remove(p_.header(source));
    const auto host = host_context(call).tenant;
    std::optional<std::string> tenant;
    if (auto refused = check_host_tenant(call, route, host, tenant, d)) return *refused;
    if (auto refused = check_lifecycle(call, tenant, d)) return *refused;
    if (auto limited = check_rate(call, tenant, d)) return *limited;
    if (auto denied = check_scope(call, route, d)) return *denied;
    return forward(call, route, params, stripped, tenant, d, host ? host->slug : "");
  }

  // O1: scope after tenant resolution (the fault swaps them)
  const bool scope_first = fault("gateway.scope_before_tenant");
  if (scope_first)
    if (auto denied = check_scope(call, route, d)) return *denied;

  // G3
  auto tenant = resolve_tenant(call, route, params, stripped, d);
  d.resolved_tenant = tenant.resolved;
  d.attempted_tenant = tenant.attempted;
  if (!tenant.allowed()) return error_response(tenant.error, tenant.description, call.correlation_id, p_);

  // W1, W5, P2: on a platform whose memberships change, a tenant-scoped request needs the membership
  // the user holds now; the token's allowed tenants bound it, they do not grant it.
  if (memberships_ && tenant.tenant) {
    auto panel = admin_ ? admin_->panel_tenant(call.claims(), *tenant.tenant)
                        : memberships_->member(d.actor.sub.value_or(""), *tenant.tenant) ? tenant.tenant : std::nullopt;
    if (!panel) {
      d.attempted_tenant = *tenant.tenant;
      d.resolved_tenant = nullptr;
      refuse(call, d, "tenant_forbidden", "tenant_forbidden");
      return error_response("tenant_forbidden", "the user is not entitled to the tenant", call.correlation_id, p_);
    }
    tenant.tenant = *panel;
    d.resolved_tenant = *panel;
  }

  // T4, T2 (rules the platform's tenancy.yaml declares; none in the reference world)
  if (auto refused = check_lifecycle(call, tenant.tenant, d)) return *refused;
  if (auto limited = check_rate(call, tenant.tenant, d)) return *limited;

  // G4
  if (!scope_first)
    if (auto denied = check_scope(call, route, d)) return *denied;

  // G5
  return forward(call, route, params, stripped, tenant.tenant, d);
}

}  // namespace

std::unique_ptr<Role> make_gateway(StubContext& ctx) {
  auto gateway = std::make_shared<Gateway>(ctx);
  RoleTable table;
  for (const Route& route : ctx.fixtures.routes)
    table.routes.push_back({route.method, route.path,
                            [g = gateway.get(), &route](Call& call, const PathParams& params) { return g->serve(call, route, params); },
                            route.open});
  table.guard = [g = gateway.get()](Call& call) { return g->authenticate(call); };
  table.may_wait = [g = gateway.get()](const Request& request) { return g->may_wait(request); };
  table.faults.fresh_correlation_id = ctx.faults.on("gateway.correlation_id_replaced");
  table.faults.errors_without_correlation_id = ctx.faults.on("gateway.error_without_correlation_id");
  table.faults.skip_allowed_records = ctx.faults.on("gateway.no_audit_on_allow");
  table.state = gateway;
  return std::make_unique<Frame>(ctx, std::move(table));
}

}  // namespace tc::stub
