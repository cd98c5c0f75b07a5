// G1: who is calling. A bearer token (RFC 6750 §2.1, scheme case-insensitive) is accepted only when
// it decodes, names alg RS256, names a kid of the Authority's JWKS, its signature verifies, iss is
// the Authority, aud holds the gateway's audience (a string or an array), and exp/nbf hold within
// the leeway. The JWKS is fetched once and cached; a kid not in the cache triggers one refetch
// (key rotation), and a kid that a refetch did not find is not refetched again for a cooldown, so one
// unknown-kid token replayed cannot make the gateway hammer the Authority. The cooldown is per kid: a
// forged kid must never delay the acceptance of a genuinely rotated-in key. A token that verified is
// not verified again while the key set stays the same (its claims are still checked every time).
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/status.h"

namespace tc::stub::gateway {

// The Authority's keys. Thread-safe; fetches are serialised.
class JwksCache {
 public:
  using Fetch = std::function<Result<nlohmann::json>()>;  // returns {"keys":[...]}
  explicit JwksCache(Fetch fetch, std::chrono::milliseconds cooldown = std::chrono::milliseconds(2000));
  // The JWK named `kid`, nullopt when the Authority does not have it (or cannot be reached).
  std::optional<nlohmann::json> key(const std::string& kid);
  // The same key parsed, once per kid and JWKS fetch: nullopt when the Authority does not have it,
  // nullptr inside when its JWK is not a valid RSA key. `generation`, when given, is set to the key
  // set's (for remember_verified).
  std::optional<std::shared_ptr<const RsaPublicKey>> public_key(const std::string& kid, std::uint64_t* generation = nullptr);
  // The claims of a token whose RS256 signature verified with the key set as it is now, when this
  // exact token verified before; null otherwise. Forgotten when the key set is fetched again.
  std::shared_ptr<const nlohmann::json> verified(const std::string& token) const;
  // Remembers that `token` verified, unless the key set was fetched again since `generation` (at
  // most kMaxVerified tokens: the oldest are forgotten together).
  void remember_verified(const std::string& token, std::shared_ptr<const nlohmann::json> claims, std::uint64_t generation);
  static constexpr std::size_t kMaxVerified = 4096;

 private:
  const nlohmann::json* find_locked(const std::string& kid);

  Fetch fetch_;
  std::chrono::milliseconds cooldown_;
  mutable std::mutex mu_;
  nlohmann::json keys_ = nlohmann::json::array();
  bool fetched_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> missing_until_;  // kid -> end of its cooldown
  std::map<std::string, std::shared_ptr<const RsaPublicKey>> parsed_;           // kid -> key, for keys_
  std::uint64_t generation_ = 0;                                                 // key sets fetched
  std::unordered_map<std::string, std::shared_ptr<const nlohmann::json>> verified_;  // token -> claims
};

struct TokenRules {
  std::string issuer;              // the Authority's URL
  std::string local_issuer;        // also accepted when not empty (a development gateway, seed 002)
  std::string audience;            // values.default_audience unless configured
  long long leeway_seconds = 60;   // windows.token_leeway_seconds
  long long now = 0;               // unix seconds
  std::string audience_claim = "aud", issuer_claim = "iss";
  // Faults that break G1 on purpose (stubs/faults.cpp); all off is the contract.
  bool accept_expired = false;
  bool accept_alg_none = false;
  bool accept_wrong_audience = false;
  bool exp_leeway_doubled = false;   // exp accepted up to twice the leeway past
  bool nbf_leeway_doubled = false;   // nbf accepted up to twice the leeway ahead
};

struct TokenVerdict {
  std::string problem;             // empty when the token is acceptable, else why not (no secrets)
  std::shared_ptr<const nlohmann::json> claims;  // the payload when acceptable (not copied per request)
  bool ok() const { return problem.empty(); }
};

TokenVerdict check_token(const std::string& token, JwksCache& jwks, const TokenRules& rules);

}  // namespace tc::stub::gateway
