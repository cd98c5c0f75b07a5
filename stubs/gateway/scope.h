// G4: the scope a route needs against the token's scope claim (RFC 6749 §3.3: space-separated;
// an array of strings is accepted too). Pure.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tc::stub::gateway {

// The granted scopes in claim order; empty for a missing or mistyped claim.
std::vector<std::string> granted_scopes(const nlohmann::json& scope_claim);

// True when `needed` is empty (the route needs none) or is one of `granted`, compared exactly.
bool has_scope(const std::vector<std::string>& granted, const std::string& needed);

}  // namespace tc::stub::gateway
