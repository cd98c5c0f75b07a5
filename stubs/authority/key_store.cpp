#include "stubs/authority/key_store.h"

#include "common/encoding.h"
#include "common/jwt.h"

namespace tc::stub::authority {

namespace {
std::string new_kid(std::size_t n) { return "k" + std::to_string(n) + "-" + random_token(6); }
}  // namespace

KeyStore::KeyStore(const std::string& private_pem) {
  keys_.push_back({new_kid(1), std::make_shared<const RsaKey>(private_pem.empty() ? RsaKey::generate()
                                                                                  : RsaKey::from_private_pem(private_pem))});
}

std::string KeyStore::rotate() {
  // Generated outside the lock: key generation is slow and signing must not wait for it.
  auto key = std::make_shared<const RsaKey>(RsaKey::generate());
  std::lock_guard lock(mu_);
  keys_.push_back({new_kid(keys_.size() + 1), std::move(key)});
  return keys_.back().kid;
}

std::string KeyStore::sign(const nlohmann::json& payload, bool name_kid) const {
  Entry current;
  {
    std::lock_guard lock(mu_);
    current = keys_.back();
  }
  if (name_kid) return sign_jwt_rs256(*current.key, current.kid, payload);
  const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  const std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return input + "." + base64url_encode(current.key->sign_rs256(input));
}

nlohmann::json KeyStore::jwks() const {
  std::lock_guard lock(mu_);
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& entry : keys_) keys.push_back(entry.key->public_jwk(entry.kid));
  return {{"keys", keys}};
}

}  // namespace tc::stub::authority
