// The JWT and JWKS parsers: a token and a JWKS from the input ("token\njwks JSON"), decoded, checked
// for signature and time claims as the runner does (common/jwt.h) and as the gateway does
// (stubs/gateway/authn.h), and every JWK parsed as an RSA public key.
#include <cstdint>

#include "common/crypto.h"
#include "common/jwt.h"
#include "stubs/gateway/authn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using json = nlohmann::json;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string token(input.substr(0, nl));
  const json jwks = nl == std::string_view::npos ? json(nullptr)
                                                 : json::parse(input.substr(nl + 1), nullptr, /*allow_exceptions=*/false);

  if (auto jwt = tc::decode_jwt(token)) {
    (void)tc::verify_jwt_signature(*jwt, jwks);
    (void)tc::check_time_claims(jwt->payload, 1700000000, 60);
    (void)tc::craft_unknown_kid(token);
    (void)tc::craft_tampered(token, json{{"tenant", "other"}});
  }
  if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array())
    for (const auto& jwk : jwks["keys"]) {
      (void)tc::RsaPublicKey::from_jwk(jwk);
      (void)tc::jwk_to_pem(jwk);
    }

  tc::stub::gateway::JwksCache cache([&jwks]() -> tc::Result<json> { return jwks; });
  tc::stub::gateway::TokenRules rules;
  rules.issuer = "http://127.0.0.1:2";
  rules.audience = "tenantcheck";
  rules.now = 1700000000;
  rules.accept_alg_none = size % 2;
  const auto verdict = tc::stub::gateway::check_token(token, cache, rules);
  // Nothing here holds a private key: only alg none (when accepted) could ever pass.
  if (verdict.ok() && !rules.accept_alg_none) __builtin_trap();
  return 0;
}
