// A1 discovery and A2 JWKS. Endpoint URLs are the issuer followed by the profile's paths.
#include "stubs/authority/authority.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

Response handle_discovery(Authority& a, Call& call) {
  const auto& p = a.profile();
  json methods = json::array();
  if (!a.fault("authority.discovery_without_s256")) methods.push_back(p.value("code_challenge_method"));
  const json body = {
      {"issuer", a.issuer},
      {"authorization_endpoint", a.issuer + p.path("authorize")},
      {"token_endpoint", a.issuer + p.path("token")},
      {"jwks_uri", a.issuer + p.path("jwks")},
      {"introspection_endpoint", a.issuer + p.path("introspect")},
      {"grant_types_supported", {"authorization_code", "password", "client_credentials", "refresh_token"}},
      {"response_types_supported", {"code"}},
      {"code_challenge_methods_supported", methods},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
      {"scopes_supported", a.ctx.fixtures.scopes},
      {"tenantcheck_console_tenants_endpoint", a.issuer + p.path("console_tenants")},
      {"tenantcheck_console_profile_endpoint", a.issuer + p.path("console_profile")},
  };
  return json_response(p.status("ok"), body, call.correlation_id, p);
}

Response handle_jwks(Authority& a, Call& call) {
  return json_response(a.profile().status("ok"), a.keys.jwks(), call.correlation_id, a.profile());
}

Response handle_rotate(Authority& a, Call& call) {
  return json_response(a.profile().status("ok"), {{"kid", a.keys.rotate()}}, call.correlation_id, a.profile());
}

}  // namespace tc::stub::authority
