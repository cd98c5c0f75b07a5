#include "stubs/authority/key_store.h"

#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/jwt.h"

namespace tc::stub::authority {

namespace {
std::string new_kid(std::size_t n) { return "k" + std::to_string(n) + "-" + random_token(6); }

std::shared_ptr<const RsaKey> generate(const std::atomic<bool>& stop) {
  return std::make_shared<const RsaKey>(RsaKey::generate(2048, &stop));
}

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

KeyStore::KeyStore(const std::string& private_pems) {
  // Parsed here, so a PEM that is no RSA key fails the start rather than a request.
  for (RsaKey& handed : private_pems.empty() ? std::vector<RsaKey>{} : RsaKey::from_private_pems(private_pems)) {
    Key key = ready(std::make_shared<const RsaKey>(std::move(handed)));
    if (keys_.empty())
      keys_.push_back({new_kid(1), std::move(key)});
    else
      next_.push_back(std::move(key));
  }
  if (keys_.empty()) keys_.push_back({new_kid(1), in_background([stop = stop_] { return generate(*stop); })});
  // The spare waits for the first key, so the two never compete for a core at start.
  if (next_.empty())
    next_.push_back(in_background([first = keys_.front().key, stop = stop_] {
      first.wait();
      return generate(*stop);
    }));
}

// The futures of std::async wait for their task when destroyed: a generation still running stops
// rather than hold up the process's exit.
KeyStore::~KeyStore() { stop_->store(true); }

std::string KeyStore::rotate() {
  Key next;
  {
    std::lock_guard lock(mu_);
    if (!next_.empty()) {
      next = std::move(next_.front());
      next_.pop_front();
    }
  }
  // Once the keys at hand are taken, a rotation generates its key here, outside the lock: signing
  // must not wait for it.
  if (!next.valid()) next = ready(generate(*stop_));
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
    if (jwks_.is_object() && jwks_["keys"].size() == keys_.size()) return jwks_;
    entries = keys_;
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& entry : entries) keys.push_back(entry.key.get()->public_jwk(entry.kid));
  nlohmann::json out = {{"keys", std::move(keys)}};
  std::lock_guard lock(mu_);
  if (!jwks_.is_object() || entries.size() > jwks_["keys"].size()) jwks_ = out;  // else one as new is there
  return out;
}

std::string KeyStore::verify(const Jwt& jwt) const {
  return verify_jwt_signature(jwt, [this](const std::string& kid) -> std::optional<std::shared_ptr<const RsaPublicKey>> {
    Key key;
    {
      std::lock_guard lock(mu_);
      if (auto it = public_.find(kid); it != public_.end()) return it->second;
      for (const auto& entry : keys_)
        if (entry.kid == kid) key = entry.key;
    }
    if (!key.valid()) return std::nullopt;
    auto parsed = RsaPublicKey::from_jwk(key.get()->public_jwk(kid));
    std::lock_guard lock(mu_);
    return public_.emplace(kid, std::move(parsed)).first->second;
  });
}

}  // namespace tc::stub::authority
