#include "stubs/authority/key_store.h"

#include <utility>

#include "common/encoding.h"
#include "common/jwt.h"

namespace tc::stub::authority {

namespace {
std::string new_kid(std::size_t n) { return "k" + std::to_string(n) + "-" + random_token(6); }

std::shared_ptr<const RsaKey> generate() { return std::make_shared<const RsaKey>(RsaKey::generate()); }

using Key = KeyStore::Key;

template <class F>
Key in_background(F f) {
  return std::async(std::launch::async, std::move(f)).share();
}

Key ready(std::shared_ptr<const RsaKey> key) {
  std::promise<std::shared_ptr<const RsaKey>> p;
  p.set_value(std::move(key));
  return p.get_future().share();
}
}  // namespace

KeyStore::KeyStore(const std::string& private_pem) {
  if (private_pem.empty()) {
    keys_.push_back({new_kid(1), in_background(generate)});
  } else {
    // Parsed here, so a PEM that is no RSA key fails the start rather than the first request.
    keys_.push_back({new_kid(1), ready(std::make_shared<const RsaKey>(RsaKey::from_private_pem(private_pem)))});
  }
  // The spare waits for the first key, so the two never compete for a core at start.
  spare_ = in_background([first = keys_.front().key] {
    first.wait();
    return generate();
  });
}

std::string KeyStore::rotate() {
  Key next;
  {
    std::lock_guard lock(mu_);
    next = std::exchange(spare_, Key{});
  }
  // A second rotation generates its key here, outside the lock: signing must not wait for it.
  if (!next.valid()) next = ready(generate());
  next.wait();
  std::lock_guard lock(mu_);
  keys_.push_back({new_kid(keys_.size() + 1), std::move(next)});
  return keys_.back().kid;
}

std::string KeyStore::sign(const nlohmann::json& payload, bool name_kid) const {
  Entry current;
  {
    std::lock_guard lock(mu_);
    current = keys_.back();
  }
  const RsaKey& key = *current.key.get();
  if (name_kid) return sign_jwt_rs256(key, current.kid, payload);
  const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  const std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return input + "." + base64url_encode(key.sign_rs256(input));
}

nlohmann::json KeyStore::jwks() const {
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mu_);
    entries = keys_;
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& entry : entries) keys.push_back(entry.key.get()->public_jwk(entry.kid));
  return {{"keys", keys}};
}

}  // namespace tc::stub::authority
