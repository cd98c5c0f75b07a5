#include "stubs/faults.h"

namespace tc::stub {

const std::vector<FaultInfo>& fault_catalogue() {
  static const std::vector<FaultInfo> catalogue = {
      // Authority
      {"authority.discovery_without_s256", "A1", "discovery omits S256 from code_challenge_methods_supported"},
      {"authority.token_without_kid", "A2", "tokens are signed but their header names no kid"},
      {"authority.redirect_unknown_client", "A3", "an unknown client or redirect_uri is redirected to instead of answered 400"},
      {"authority.tenant_not_bound_to_code", "A3", "a tenant given at authorize is not bound into the code"},
      {"authority.code_reusable", "A4", "an authorization code can be redeemed more than once"},
      {"authority.pkce_unchecked", "A4", "the PKCE code_verifier is not checked against the challenge"},
      {"authority.redirect_uri_unbound", "A4", "a code is redeemed with any redirect_uri, not only the one it was issued for"},
      {"authority.refresh_reselects_tenant", "A4", "a refresh without tenant parameter re-runs selection instead of keeping the original"},
      {"authority.first_tenant_when_ambiguous", "A5", "several assignments, no default, no parameter: the first tenant is chosen"},
      {"authority.unchecked_tenant_param", "A5", "a tenant parameter outside the assigned set is accepted"},
      {"authority.tenant_param_case_insensitive", "A5", "a tenant parameter is matched to the assigned set ignoring letter case"},
      {"authority.tenant_param_trimmed", "A5", "a tenant parameter is trimmed of spaces before it is matched"},
      {"authority.allowed_tenants_dropped_with_param", "A6", "a token asked with a tenant parameter carries no allowed_tenants claim"},
      {"authority.no_allowed_tenants_claim", "A6", "tokens of multi-tenant principals carry no allowed_tenants claim"},
      {"authority.stateful_console_selection", "A7,I3", "a console tenant header is remembered for later requests of the same token"},
      {"authority.console_header_unchecked", "A7", "a console tenant header outside the entitlement is accepted"},
      {"authority.profile_ignores_tenant_layer", "A8", "/console/profile returns the global layer only"},
      {"authority.introspect_revoked_active", "A9", "introspection reports a revoked token as active"},
      {"authority.mint_ignores_lifetime", "A10", "the minting endpoint ignores the requested lifetime and issues valid tokens"},
      {"authority.audit_own_correlation_id", "U2,I4", "the authority records its own correlation id instead of the caller's"},
      {"authority.inactive_tenant_token_issued", "T4", "tokens are issued in a tenant whose lifecycle status is refused"},
      // Gateway
      {"gateway.accept_expired_token", "G1", "expired tokens are accepted"},
      {"gateway.accept_alg_none", "G1", "unsigned tokens (alg none) are accepted"},
      {"gateway.accept_wrong_audience", "G1", "tokens for another audience are accepted"},
      {"gateway.exp_leeway_doubled", "G1", "exp is accepted up to twice the leeway past"},
      {"gateway.nbf_leeway_doubled", "G1", "nbf is accepted up to twice the leeway ahead"},
      {"gateway.no_www_authenticate", "G1", "401 answers carry no WWW-Authenticate header"},
      {"gateway.forward_caller_tenant_header", "G2,I1", "the caller's tenant headers are forwarded untouched"},
      {"gateway.strip_exact_case_only", "G2", "identity headers are stripped only in their canonical letter case"},
      {"gateway.forward_caller_actor", "G2", "the caller's actor and user headers are forwarded"},
      {"gateway.conflict_allowed", "G3,I1", "several distinct tenant values: the first wins instead of 409"},
      {"gateway.header_overrides_claim", "G3,I1,I3", "a header tenant outside the entitlement replaces the claim tenant"},
      {"gateway.tenant_case_insensitive", "G3,I1", "tenant ids are compared ignoring letter case"},
      {"gateway.path_tenant_ignored", "G3,I1", "the tenant in a path-scoped route is not compared with the claim"},
      {"gateway.tenant_percent_decoded", "G3,I1", "tenant header values are percent-decoded before they are checked"},
      {"gateway.repeated_header_last_wins", "G3,I1", "a tenant header sent twice: only its last line is read, so no conflict is seen"},
      {"gateway.query_tenant_selects", "G3,I1", "without tenant header, a tenant query parameter selects the tenant"},
      {"gateway.answer_tenant_from_claim", "G5", "the answer's tenant header names the token's tenant, not the one selected"},
      {"gateway.path_selection_unaudited", "G6,I4", "a tenant selected by the path leaves no tenant.selected record"},
      {"gateway.missing_tenant_allowed", "G3,I3", "a token without tenant reaches tenant-scoped routes"},
      {"gateway.scope_unchecked", "G4,I3", "route scopes are not checked"},
      {"gateway.skip_alias_rewrite", "G5", "alias tenant headers are not set on the forwarded request"},
      {"gateway.cacheable_tenant_response", "G5,I1", "tenant-scoped responses lack Cache-Control private, no-store and Vary"},
      {"gateway.unsigned_forward", "G5", "forwarded requests carry no context signature"},
      {"gateway.correlation_id_replaced", "G5", "the caller's valid correlation id is replaced by a new one"},
      {"gateway.audit_without_attempted_tenant", "G6,I4", "tenant.override_rejected records lack attempted_tenant"},
      {"gateway.no_audit_on_allow", "G6,I4", "allowed requests leave no audit record"},
      {"gateway.scope_before_tenant", "O1", "scope is checked before tenant resolution"},
      {"gateway.error_without_correlation_id", "E1", "error bodies lack correlation_id"},
      {"gateway.path_tenant_checked_against_header_only", "T1,I1", "a path tenant is compared with the tenant header but, without one, not with the token's tenant"},
      {"gateway.tid_case_insensitive", "T1,I1", "the path tenant and the token's tenant are compared ignoring letter case"},
      {"gateway.rate_limit_shared_across_tenants", "T2", "one request budget per tier, shared by every tenant of the tier"},
      {"gateway.rate_limit_ignores_negotiated", "T2", "a tenant's negotiated limit is ignored: its tier's limit applies"},
      {"gateway.rate_limited_without_retry_after", "T2", "rate-limited answers carry no Retry-After"},
      {"gateway.inactive_tenant_accepted", "T4,I1", "tokens of a tenant whose lifecycle status is refused are served"},
      {"gateway.forwarded_host_from_any_caller", "H1,I1", "X-Forwarded-Host is believed from callers that are not trusted proxies"},
      {"gateway.host_before_origin", "H1", "Host is read before X-Forwarded-Host and Origin"},
      {"gateway.placeholder_reports_own_slug", "H2", "a placeholder tenant echoes its own slug instead of the requested one"},
      {"gateway.placeholder_serves_data", "H3,I1", "a placeholder tenant's data requests are served from the first provisioned tenant"},
      {"gateway.oauth_slug_lost", "H4", "the redirect_uri carries the tenant's own slug, so a placeholder's sign-in lands on another host"},
      {"gateway.oauth_state_unchecked", "H4", "the sign-in callback does not compare its state with the browser's state cookie"},
      {"gateway.session_any_tenant_host", "H5,I1", "a session is accepted on every tenant host, not only its own"},
      {"gateway.session_payload_two_slugs", "H5", "the session payload carries a second slug field beside tenant.slug"},
      {"gateway.panel_uses_remembered_tenant", "W1,I1", "a tenant-panel request acts in the remembered tenant instead of the panel's"},
      {"gateway.admin_remembered_wins", "W2", "the remembered tenant beats the entitled tenant an admin request names"},
      {"gateway.admin_unentitled_tenant_active", "W2,I1", "a tenant an admin request names is active without the user's entitlement"},
      {"gateway.admin_remembered_unchecked", "W2,I1", "the remembered tenant stays active after the user's entitlement to it ends"},
      {"gateway.admin_read_remembers", "W3", "an admin read that names a tenant remembers it, not only an explicit selection"},
      {"gateway.select_unentitled_tenant", "W3,I3", "selecting a tenant the user is not entitled to remembers it"},
      {"gateway.admin_operations_keep_filters", "W4", "with no active tenant the operations list keeps a default tenant filter and its KPIs"},
      {"gateway.admin_groups_widen", "W4,I1", "with no active tenant the admin group list and view widen to every tenant of the workspace"},
      {"gateway.admin_search_tenant_owned", "W4,I1", "with no active tenant admin search returns tenant-owned groups"},
      {"gateway.admin_navigation_tenant_owned", "W4", "the admin navigation lists the tenant panel's tenant-owned entries"},
      {"gateway.admin_run_without_membership", "W5,I2", "a run's detail renders for a user who is no longer a member of its workspace"},
      {"gateway.admin_run_without_entitlement", "W5,I1", "a run's detail renders for a user not entitled to the run's tenant"},
      {"gateway.entitlement_from_token", "W5,I1", "entitlement is read from the token's allowed tenants, so a revoked one still works"},
      {"gateway.membership_changed_by_member", "W6,I3", "a workspace member who is not an owner changes memberships"},
      {"gateway.unprefixed_tenant_accepted", "P1", "a tenant id without its plane prefix is taken as the prefixed tenant"},
      {"gateway.tenant_admin_any_tenant", "P2,I1", "a tenant admin's role counts in every tenant plane, not only its own"},
      {"gateway.member_changes_memberships", "P2,I3", "a member who is no tenant admin changes its tenant's memberships"},
      {"gateway.tenant_admin_platform_root", "P3,I3", "a tenant admin is allowed what a platform operator is on platform-root resources"},
      {"gateway.break_glass_without_assurance", "P4", "break glass is allowed without the assurance it needs"},
      {"gateway.break_glass_unaudited", "P4,I4", "a break-glass use leaves no break_glass record of its own"},
      {"gateway.local_issuer_in_production", "P5", "a production gateway accepts tokens of the local issuer"},
      {"gateway.outbox_missing_on_change", "P6", "a membership change publishes no outbox event"},
      {"gateway.outbox_before_authorization", "P6,I3", "a membership change is published before it is authorized, denied or not"},
      {"gateway.outbox_target_is_actor_tenant", "P6", "an outbox event names the actor's tenant as the target tenant"},
      {"gateway.outbox_unmasked", "P6", "a policy change is published with its secret values in clear"},
      // Backends
      {"backend.unsigned_context_accepted", "B1,I3", "requests without a context signature are served"},
      {"backend.stale_signature_accepted", "B1", "signatures outside the freshness window are accepted"},
      {"backend.signature_window_doubled", "B1", "signatures are accepted up to twice the skew from now"},
      {"backend.cross_tenant_read", "B2,I1,I2", "another tenant's item is returned by id"},
      {"backend.forbidden_instead_of_not_found", "B2,I2", "another tenant's item is answered 403 instead of as a missing one"},
      {"backend.list_all_tenants", "B2,I1", "lists hold every tenant's items"},
      {"backend.list_tenant_query", "B2,I1", "a list's tenant query parameter replaces the signed tenant"},
      {"backend.item_id_case_insensitive", "B2,I1", "an id in another letter case is looked up ignoring case, and its owner is not checked"},
      {"backend.page_crosses_tenants", "B2,I1", "a list asked with a page parameter holds every tenant's items"},
      {"backend.idempotency_ignores_tenant", "B3,I1", "idempotency keys are shared across tenants"},
      {"backend.idempotency_ignores_body", "B3", "a reused key with another body replays instead of 422"},
      {"backend.echo_hides_aliases", "B4", "the echo omits alias tenant headers it received"},
      {"backend.no_audit_on_denial", "B5,I4", "denials leave no audit record"},
      {"backend.unmasked_change_summary", "B5", "change_summary carries secret values unmasked"},
      {"backend.audit_without_correlation_id", "U1,I4", "audit records lack correlation_id"},
      {"backend.put_not_idempotent", "T3", "an Idempotency-Key on PUT is ignored: a repeated PUT writes again"},
  };
  return catalogue;
}

Result<Faults> Faults::parse(const std::vector<std::string>& names, const std::string& role) {
  Faults faults;
  for (const auto& name : names) {
    bool known = false;
    for (const auto& info : fault_catalogue()) known = known || info.name == name;
    if (!known) return usage_error("--fault", "unknown fault '" + name + "' (see --list-faults)");
    if (name.rfind(role + ".", 0) != 0)
      return usage_error("--fault", "fault '" + name + "' does not belong to the " + role);
    faults.active_.insert(name);
  }
  return faults;
}

}  // namespace tc::stub
