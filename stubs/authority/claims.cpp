#include "stubs/authority/claims.h"

#include <algorithm>
#include <sstream>

#include "common/crypto.h"

namespace tc::stub::authority {

namespace {
bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

std::vector<std::string> split_scopes(const std::string& scope) {
  std::vector<std::string> out;
  std::istringstream in(scope);
  for (std::string s; in >> s;) {
    if (!contains(out, s)) out.push_back(s);
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

json build_claims(const Authority& a, const TokenSpec& spec) {
  const auto& p = a.profile();
  const long long now = epoch_seconds();
  json claims = {
      {p.claim("issuer"), a.issuer},
      {p.claim("subject"), spec.sub},
      {p.claim("audience"), a.audience},
      {"exp", now + p.window("access_token_ttl_seconds")},
      {"iat", now},
      {"nbf", now},
      {"jti", uuid_v4()},
      {p.claim("client_id"), spec.client_id},
      {p.claim("scope"), join_scopes(spec.scopes)},
  };
  if (spec.tenant) claims[p.claim("tenant")] = *spec.tenant;
  if (spec.allowed_tenants.size() > 1 && !a.fault("authority.no_allowed_tenants_claim"))
    claims[p.claim("allowed_tenants")] = spec.allowed_tenants;
  return claims;
}

std::optional<std::vector<std::string>> grant_scopes(const std::string& requested,
                                                     const std::vector<std::string>& principal,
                                                     const std::vector<std::string>& client) {
  const auto asked = split_scopes(requested);
  std::vector<std::string> granted;
  if (asked.empty()) {
    for (const auto& s : principal)
      if (contains(client, s)) granted.push_back(s);
    return granted;
  }
  for (const auto& s : asked) {
    if (!contains(principal, s) || !contains(client, s)) return std::nullopt;
    granted.push_back(s);
  }
  return granted;
}

}  // namespace tc::stub::authority
