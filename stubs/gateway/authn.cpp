#include "stubs/gateway/authn.h"

#include "common/jwt.h"

namespace tc::stub::gateway {

JwksCache::JwksCache(Fetch fetch, std::chrono::milliseconds cooldown) : fetch_(std::move(fetch)), cooldown_(cooldown) {}

const nlohmann::json* JwksCache::find_locked(const std::string& kid) {
  auto find = [&]() -> const nlohmann::json* {
    for (const auto& k : keys_)
      if (k.is_object() && k.contains("kid") && k["kid"] == kid) return &k;  // a kid of any type may come
    return nullptr;
  };
  const auto now = std::chrono::steady_clock::now();
  if (fetched_) {
    if (auto k = find()) return k;
    auto missing = missing_until_.find(kid);
    if (missing != missing_until_.end() && now < missing->second) return nullptr;
  }
  auto got = fetch_();
  if (got.ok() && got->is_object() && got->contains("keys") && (*got)["keys"].is_array()) {
    keys_ = (*got)["keys"];
    parsed_.clear();
    verified_.clear();
    ++generation_;
    fetched_ = true;
  }
  auto k = find();
  // A kid the refetch did not find costs no further fetch for the cooldown; forget the oldest
  // entries rather than grow without bound under a stream of made-up kids.
  if (!k) {
    if (missing_until_.size() >= 1024) missing_until_.clear();
    missing_until_[kid] = now + cooldown_;
  }
  return k;
}

std::optional<nlohmann::json> JwksCache::key(const std::string& kid) {
  std::lock_guard lock(mu_);
  const nlohmann::json* k = find_locked(kid);
  return k ? std::optional<nlohmann::json>(*k) : std::nullopt;
}

std::optional<std::shared_ptr<const RsaPublicKey>> JwksCache::public_key(const std::string& kid, std::uint64_t* generation) {
  std::lock_guard lock(mu_);
  const nlohmann::json* k = find_locked(kid);
  if (generation) *generation = generation_;
  if (!k) return std::nullopt;
  auto parsed = parsed_.find(kid);
  if (parsed == parsed_.end()) parsed = parsed_.emplace(kid, RsaPublicKey::from_jwk(*k)).first;
  return parsed->second;
}

std::shared_ptr<const nlohmann::json> JwksCache::verified(const std::string& token) const {
  std::lock_guard lock(mu_);
  auto it = verified_.find(token);
  return it == verified_.end() ? nullptr : it->second;
}

void JwksCache::remember_verified(const std::string& token, std::shared_ptr<const nlohmann::json> claims, std::uint64_t generation) {
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  if (verified_.size() >= kMaxVerified) verified_.clear();
  verified_.emplace(token, std::move(claims));
}

namespace {

bool audience_matches(const nlohmann::json& aud, const std::string& audience) {
  if (aud.is_string()) return aud.get<std::string>() == audience;
  if (aud.is_array())
    for (const auto& a : aud)
      if (a.is_string() && a.get<std::string>() == audience) return true;
  return false;
}

}  // namespace

TokenVerdict check_token(const std::string& token, JwksCache& jwks, const TokenRules& rules) {
  std::shared_ptr<const nlohmann::json> payload = jwks.verified(token);
  if (!payload) {
    auto decoded = decode_jwt(token);
    if (!decoded.ok()) return {"malformed token: " + decoded.error().message, nullptr};
    Jwt& jwt = *decoded;
    const auto& header = jwt.header;
    std::string alg = header.contains("alg") && header["alg"].is_string() ? header["alg"].get<std::string>() : "";
    bool unsigned_accepted = rules.accept_alg_none && (alg == "none" || alg == "None" || alg == "NONE");
    std::uint64_t generation = 0;
    if (!unsigned_accepted) {
      if (alg != "RS256") return {"alg '" + alg + "' is not allowed", nullptr};
      if (!header.contains("kid") || !header["kid"].is_string()) return {"token names no kid", nullptr};
      auto key = jwks.public_key(header["kid"].get<std::string>(), &generation);
      if (!key) return {"unknown kid", nullptr};
      if (!*key || !(*key)->verify_rs256(jwt.signing_input, jwt.signature)) return {"signature does not verify", nullptr};
    }
    payload = std::make_shared<const nlohmann::json>(std::move(jwt.payload));
    if (!unsigned_accepted) jwks.remember_verified(token, payload, generation);
  }
  const nlohmann::json& claims = *payload;
  if (!claims.is_object()) return {"payload is not a JSON object", nullptr};
  auto iss = claims.find(rules.issuer_claim);
  if (iss == claims.end() || !iss->is_string() ||
      (iss->get<std::string>() != rules.issuer && (rules.local_issuer.empty() || iss->get<std::string>() != rules.local_issuer)))
    return {"wrong issuer", nullptr};
  if (!rules.accept_wrong_audience) {
    auto aud = claims.find(rules.audience_claim);
    if (aud == claims.end() || !audience_matches(*aud, rules.audience)) return {"wrong audience", nullptr};
  }
  std::string why;
  const bool shift_exp = claims.contains("exp") && claims["exp"].is_number() && (rules.accept_expired || rules.exp_leeway_doubled);
  const bool shift_nbf = claims.contains("nbf") && claims["nbf"].is_number() && rules.nbf_leeway_doubled;
  if (shift_exp || shift_nbf) {  // a fault widens the window by moving the claim, the check stays one
    nlohmann::json timed = claims;
    if (shift_exp) timed["exp"] = rules.accept_expired ? rules.now : claims["exp"].get<long long>() + rules.leeway_seconds;
    if (shift_nbf) timed["nbf"] = claims["nbf"].get<long long>() - rules.leeway_seconds;
    why = check_time_claims(timed, rules.now, rules.leeway_seconds);
  } else {
    why = check_time_claims(claims, rules.now, rules.leeway_seconds);
  }
  if (!why.empty()) return {why, nullptr};
  return {"", std::move(payload)};
}

}  // namespace tc::stub::gateway
