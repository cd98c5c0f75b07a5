// Access tokens presented back to the Authority (A7 console, A9 introspection): issued here means
// signed by one of this Authority's keys; the leeway is the gateway's (windows.token_leeway_seconds).
#include <algorithm>

#include "common/jwt.h"
#include "stubs/authority/authority.h"

namespace tc::stub::authority {

TokenCheck check_token(const Authority& a, const std::string& token) {
  TokenCheck check;
  auto jwt = decode_jwt(token);
  if (!jwt) {
    check.problem = "malformed token: " + jwt.error().message;
    return check;
  }
  check.claims = jwt->payload;
  if (!check.claims.is_object()) {
    check.problem = "token payload is not an object";
    return check;
  }
  check.problem = a.keys.verify(*jwt);
  if (check.problem.empty())
    check.problem = check_time_claims(check.claims, epoch_seconds(), a.profile().window("token_leeway_seconds"));
  const auto jti = check.claims.find("jti");
  check.revoked = jti != check.claims.end() && jti->is_string() && a.grants.revoked(jti->get<std::string>());
  return check;
}

std::vector<std::string> entitlement_of(const Authority& a, const json& claims) {
  std::vector<std::string> out;
  const auto tenant = claims.find(a.profile().claim("tenant"));
  if (tenant != claims.end() && tenant->is_string()) out.push_back(tenant->get<std::string>());
  const auto allowed = claims.find(a.profile().claim("allowed_tenants"));
  if (allowed != claims.end() && allowed->is_array()) {
    for (const auto& t : *allowed) {
      if (t.is_string() && std::find(out.begin(), out.end(), t.get<std::string>()) == out.end())
        out.push_back(t.get<std::string>());
    }
  }
  return out;
}

}  // namespace tc::stub::authority
