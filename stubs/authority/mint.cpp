// A10 test-only endpoints (routed only when minting is enabled): mint tokens signed with the real
// key but with chosen claims and lifetimes, revoke a token's jti, rotate the signing key.
#include "common/jwt.h"
#include "stubs/authority/authority.h"
#include "stubs/authority/claims.h"
#include "stubs/authority/client_auth.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {

Response bad_request(const Authority& a, Call& call, const std::string& description) {
  return error_response(a.profile().status("bad_request"), "invalid_request", description, call.correlation_id,
                        a.profile());
}

// Mint's default scopes: the fixture principal's, when `sub` names one.
std::vector<std::string> default_scopes(const Authority& a, const std::string& sub) {
  if (const User* user = a.ctx.fixtures.user_by_sub(sub)) return user->scopes;
  if (const Client* client = a.ctx.fixtures.client(sub)) return client->scopes;
  return {};
}

}  // namespace

Response handle_mint(Authority& a, Call& call) {
  const auto& p = a.profile();
  const json req = json::parse(call.request.body, nullptr, false);
  if (!req.is_object()) return bad_request(a, call, "body must be a JSON object");
  if (!req.contains("sub") || !req["sub"].is_string()) return bad_request(a, call, "sub (string) is required");
  if (req.contains("client_id") && !req["client_id"].is_string()) return bad_request(a, call, "client_id must be a string");
  for (const char* key : {"exp_in", "nbf_in", "iat_in"})
    if (req.contains(key) && !req[key].is_number_integer()) return bad_request(a, call, std::string(key) + " must be an integer");

  TokenSpec spec;
  spec.sub = req["sub"].get<std::string>();
  spec.client_id = req.value("client_id", "");
  if (req.contains("scope") && req["scope"].is_string()) {
    spec.scopes = split_scopes(req["scope"].get<std::string>());
  } else if (req.contains("scope") && req["scope"].is_array()) {
    for (const auto& s : req["scope"])
      if (s.is_string()) spec.scopes.push_back(s.get<std::string>());
  } else {
    spec.scopes = default_scopes(a, spec.sub);
  }
  if (req.contains("tenant") && req["tenant"].is_string()) spec.tenant = req["tenant"].get<std::string>();
  json claims = build_claims(a, spec);
  if (spec.client_id.empty()) claims.erase(p.claim("client_id"));
  if (req.contains("allowed_tenants") && req["allowed_tenants"].is_array())
    claims[p.claim("allowed_tenants")] = req["allowed_tenants"];

  // The fault ignores the requested lifetime, so "expired" and "not yet valid" tokens come out valid.
  if (!a.fault("authority.mint_ignores_lifetime")) {
    const long long now = epoch_seconds();
    claims["exp"] = now + req.value("exp_in", p.window("access_token_ttl_seconds"));
    claims["nbf"] = now + req.value("nbf_in", 0LL);
    claims["iat"] = now + req.value("iat_in", 0LL);
  }
  if (req.contains("iss")) claims[p.claim("issuer")] = req["iss"];
  // Further claims as given (an assurance such as acr, seed 002 P4), after every other.
  if (req.contains("claims") && !req["claims"].is_object()) return bad_request(a, call, "claims must be a JSON object");
  const json extra = req.value("claims", json::object());
  for (const auto& [name, value] : extra.items()) claims[name] = value;
  if (req.contains("aud")) claims[p.claim("audience")] = req["aud"];
  return json_response(p.status("ok"), {{"access_token", a.keys.sign(claims)}}, call.correlation_id, p);
}

Response handle_revoke(Authority& a, Call& call) {
  const auto& p = a.profile();
  const auto token = form_value(call.request.form(), "token");
  if (!token || token->empty()) return bad_request(a, call, "token is required");
  // RFC 7009 §2.2: an unknown token is answered 200 too; a refresh token is forgotten.
  if (!a.grants.erase_refresh(*token)) {
    if (auto jwt = decode_jwt(*token); jwt && jwt->payload.is_object() && jwt->payload.contains("jti") &&
                                       jwt->payload["jti"].is_string())
      a.grants.revoke(jwt->payload["jti"].get<std::string>());
  }
  return json_response(p.status("ok"), {{"revoked", true}}, call.correlation_id, p);
}

}  // namespace tc::stub::authority
