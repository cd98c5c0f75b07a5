// JSON Web Tokens (RFC 7519) signed with RS256, verified against a JWKS, and the crafted negative
// tokens that need no private key (contract A10): alg none, an unknown kid, HS256 keyed with the
// Authority's public key, a tampered payload.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/status.h"

namespace tc {

struct Jwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;  // base64url(header) "." base64url(payload), as received
  std::string signature;      // raw bytes
};

// Splits and decodes (no verification). Errors name the part that is malformed.
Result<Jwt> decode_jwt(std::string_view token);

std::string sign_jwt_rs256(const RsaKey& key, const std::string& kid, const nlohmann::json& payload);

// Why a token is not acceptable; empty when it is. Checks: header alg is in `allowed_algs`
// (RS256 only by default), a key with the header's kid exists in `jwks` ({"keys":[...]}), the
// signature verifies. Claims are not checked here (see check_time_claims). Reasons, in the order
// checked: "the JWT header has no alg", "alg '<alg>' is not allowed", "the JWT header has no kid",
// "no key with kid '<kid>' in the JWKS", "signature does not verify".
std::string verify_jwt_signature(const Jwt& jwt, const nlohmann::json& jwks);
// The same checks and reasons with the keys held parsed: `key_for(kid)` is nullopt when there is no
// key with that kid, nullptr inside when there is one but it is no valid RSA key.
using PublicKeyFor = std::function<std::optional<std::shared_ptr<const RsaPublicKey>>(const std::string& kid)>;
std::string verify_jwt_signature(const Jwt& jwt, const PublicKeyFor& key_for);

// exp/nbf against now (unix seconds) with `leeway` seconds; empty when acceptable, else the reason.
// exp is required (A6); nbf is checked when present. Acceptable: now <= exp + leeway, now + leeway >= nbf.
std::string check_time_claims(const nlohmann::json& payload, long long now, long long leeway);

// Crafted negative tokens (A10). Each keeps the given token's payload unless it says otherwise.
std::string craft_alg_none(const nlohmann::json& payload);                // header {"alg":"none"}, empty signature
std::string craft_unknown_kid(std::string_view token);             // re-headed with a kid no JWKS has; signature kept
std::string craft_hs256_with_key(const nlohmann::json& payload, std::string_view key_bytes);  // key = public PEM; no kid
std::string craft_tampered(std::string_view token, const nlohmann::json& patch);  // payload merged with patch, signature kept

}  // namespace tc
