#include "common/jwt.h"

#include <vector>

#include "common/encoding.h"
#include "common/json_text.h"

namespace tc {
namespace {

// The kid the crafted unknown-kid token names; no JWKS the Authority publishes has it.
constexpr const char* kUnknownKid = "tenantcheck-unknown-kid";

// Bytes that are not UTF-8 (a claim name a scenario wrote so) become U+FFFD rather than an exception.
std::string encode_json(const nlohmann::json& v) {
  return base64url_encode(json_text(v));
}

// The three dot-separated segments, or empty when the token does not have exactly three.
std::vector<std::string_view> segments(std::string_view token) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = token.find('.', start);
    out.push_back(token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (out.size() != 3) out.clear();
  return out;
}

std::optional<nlohmann::json> decode_object(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  auto v = nlohmann::json::parse(*bytes, nullptr, false);
  if (v.is_discarded() || !v.is_object()) return std::nullopt;
  return v;
}

Error jwt_error(const std::string& message) { return input_error(Where{}, message); }

}  // namespace

Result<Jwt> decode_jwt(std::string_view token) {
  auto parts = segments(token);
  if (parts.empty()) return jwt_error("a JWT has three dot-separated parts");
  auto header = decode_object(parts[0]);
  if (!header) return jwt_error("the JWT header is not base64url-encoded JSON object");
  auto payload = decode_object(parts[1]);
  if (!payload) return jwt_error("the JWT payload is not a base64url-encoded JSON object");
  auto signature = base64url_decode(parts[2]);
  if (!signature) return jwt_error("the JWT signature is not base64url");
  Jwt jwt;
  jwt.header = std::move(*header);
  jwt.payload = std::move(*payload);
  jwt.signing_input = std::string(parts[0]) + "." + std::string(parts[1]);
  jwt.signature = std::move(*signature);
  return jwt;
}

std::string sign_jwt_rs256(const RsaKey& key, const std::string& kid, const nlohmann::json& payload) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}};
  std::string input = encode_json(header) + "." + encode_json(payload);
  return input + "." + base64url_encode(key.sign_rs256(input));
}

std::string verify_jwt_signature(const Jwt& jwt, const PublicKeyFor& key_for) {
  auto alg = jwt.header.find("alg");
  if (alg == jwt.header.end() || !alg->is_string()) return "the JWT header has no alg";
  if (*alg != "RS256") return "alg '" + alg->get<std::string>() + "' is not allowed";
  auto kid = jwt.header.find("kid");
  if (kid == jwt.header.end() || !kid->is_string()) return "the JWT header has no kid";
  const auto key = key_for(kid->get<std::string>());
  if (!key) return "no key with kid '" + kid->get<std::string>() + "' in the JWKS";
  if (!*key || !(*key)->verify_rs256(jwt.signing_input, jwt.signature)) return "signature does not verify";
  return "";
}

std::string verify_jwt_signature(const Jwt& jwt, const nlohmann::json& jwks) {
  return verify_jwt_signature(jwt, [&jwks](const std::string& kid) -> std::optional<std::shared_ptr<const RsaPublicKey>> {
    if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array())
      for (const auto& k : jwks["keys"])
        if (k.is_object() && k.contains("kid") && k["kid"] == kid) return RsaPublicKey::from_jwk(k);
    return std::nullopt;
  });
}

std::string check_time_claims(const nlohmann::json& payload, long long now, long long leeway) {
  auto exp = payload.find("exp");
  if (exp == payload.end()) return "the token has no exp claim";
  if (!exp->is_number()) return "the exp claim is not a number";
  long long e = exp->get<long long>();
  if (now > e + leeway)
    return "the token expired at " + std::to_string(e) + " (now " + std::to_string(now) + ", leeway " +
           std::to_string(leeway) + "s)";
  auto nbf = payload.find("nbf");
  if (nbf != payload.end()) {
    if (!nbf->is_number()) return "the nbf claim is not a number";
    long long n = nbf->get<long long>();
    if (now + leeway < n)
      return "the token is not valid before " + std::to_string(n) + " (now " + std::to_string(now) + ", leeway " +
             std::to_string(leeway) + "s)";
  }
  return "";
}

std::string craft_alg_none(const nlohmann::json& payload) {
  return encode_json({{"alg", "none"}, {"typ", "JWT"}}) + "." + encode_json(payload) + ".";
}

std::string craft_unknown_kid(std::string_view token) {
  auto parts = segments(token);
  if (parts.empty()) return std::string(token);
  nlohmann::json header = decode_object(parts[0]).value_or(nlohmann::json{{"alg", "RS256"}, {"typ", "JWT"}});
  header["kid"] = kUnknownKid;
  return encode_json(header) + "." + std::string(parts[1]) + "." + std::string(parts[2]);
}

std::string craft_hs256_with_key(const nlohmann::json& payload, std::string_view key_bytes) {
  std::string input = encode_json({{"alg", "HS256"}, {"typ", "JWT"}}) + "." + encode_json(payload);
  return input + "." + base64url_encode(hmac_sha256(key_bytes, input));
}

std::string craft_tampered(std::string_view token, const nlohmann::json& patch) {
  auto parts = segments(token);
  if (parts.empty()) return std::string(token);
  nlohmann::json payload = decode_object(parts[1]).value_or(nlohmann::json::object());
  payload.merge_patch(patch);
  return std::string(parts[0]) + "." + encode_json(payload) + "." + std::string(parts[2]);
}

}  // namespace tc
