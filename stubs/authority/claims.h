// Access-token claims (contract A6) and scope granting (A4). A token names iss, sub, aud, exp, iat,
// nbf, jti, client_id, scope (space-separated), the tenant claim when a tenant is selected, and the
// allowed-tenants claim when the principal has more than one assignment.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "stubs/authority/authority.h"

namespace tc::stub::authority {

struct TokenSpec {
  std::string sub, client_id;
  std::vector<std::string> scopes;
  std::optional<std::string> tenant;
  std::vector<std::string> allowed_tenants;  // every assignment
};

// The A6 claims of a token issued now, valid for windows.access_token_ttl_seconds.
json build_claims(const Authority& a, const TokenSpec& spec);

// Requested scopes (space-separated; empty: none requested) against what the principal and the
// client may have: a subset of both, else nullopt (invalid_scope). None requested: the intersection,
// in the principal's order.
std::optional<std::vector<std::string>> grant_scopes(const std::string& requested,
                                                     const std::vector<std::string>& principal,
                                                     const std::vector<std::string>& client);

}  // namespace tc::stub::authority
