#include "stubs/authority/key_store.h"

#include <string_view>
#include <utility>
#include <vector>

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

// The "-----BEGIN …-----" to "-----END …-----" blocks of `text`, text between them ignored; text
// without any block is one block, so that the PEM reader says what is wrong with it.
std::vector<std::string> pem_blocks(const std::string& text) {
  std::vector<std::string> out;
  static constexpr std::string_view kEnd = "-----END ";
  std::size_t pos = 0;
  for (;;) {
    const std::size_t begin = text.find("-----BEGIN ", pos);
    if (begin == std::string::npos) break;
    std::size_t end = text.find(kEnd, begin);
    if (end != std::string::npos) end = text.find("-----", end + kEnd.size());
    if (end == std::string::npos) {
      out.push_back(text.substr(begin));
      return out;
    }
    out.push_back(text.substr(begin, end + 5 - begin));
    pos = end + 5;
  }
  if (out.empty() && !text.empty()) out.push_back(text);
  return out;
}

Key ready(std::shared_ptr<const RsaKey> key) {
  std::promise<std::shared_ptr<const RsaKey>> p;
  p.set_value(std::move(key));
  return p.get_future().share();
}
}  // namespace

KeyStore::KeyStore(const std::string& private_pems) {
  // Each block is parsed here, so a PEM that is no RSA key fails the start rather than a request.
  for (const std::string& pem : pem_blocks(private_pems)) {
    Key key = ready(std::make_shared<const RsaKey>(RsaKey::from_private_pem(pem)));
    if (keys_.empty())
      keys_.push_back({new_kid(1), std::move(key)});
    else
      next_.push_back(std::move(key));
  }
  if (keys_.empty()) keys_.push_back({new_kid(1), in_background(generate)});
  // The spare waits for the first key, so the two never compete for a core at start.
  if (next_.empty())
    next_.push_back(in_background([first = keys_.front().key] {
      first.wait();
      return generate();
    }));
}

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
    if (jwks_count_ == keys_.size()) return jwks_;
    entries = keys_;
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& entry : entries) keys.push_back(entry.key.get()->public_jwk(entry.kid));
  nlohmann::json out = {{"keys", std::move(keys)}};
  std::lock_guard lock(mu_);
  if (entries.size() > jwks_count_) {  // else another caller has stored as new a set already
    jwks_ = out;
    jwks_count_ = entries.size();
  }
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
