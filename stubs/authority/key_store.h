// The Authority's signing keys (contract A2): RSA key pairs generated in memory at start (the first
// one may be handed over by the runner instead), never written anywhere by the stub. The newest key signs; every key ever rotated in stays in the JWKS, so tokens
// signed before a rotation keep verifying. Thread-safe.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto.h"

namespace tc::stub::authority {

class KeyStore {
 public:
  // The first key, kid "k1-<random>": read from `private_pem` when given (a runner reusing one key
  // across its runs), else generated. Throws std::runtime_error on a PEM that is not an RSA key.
  explicit KeyStore(const std::string& private_pem = "");
  // Adds a key that signs from now on; returns its kid ("k<n>-<random>").
  std::string rotate();
  // An RS256 JWT of `payload` with the newest key; `name_kid` false leaves kid out of the header
  // (only the fault authority.token_without_kid asks for that).
  std::string sign(const nlohmann::json& payload, bool name_kid = true) const;
  // {"keys":[public JWK, ...]} in rotation order.
  nlohmann::json jwks() const;

 private:
  struct Entry {
    std::string kid;
    std::shared_ptr<const RsaKey> key;
  };
  mutable std::mutex mu_;
  std::vector<Entry> keys_;
};

}  // namespace tc::stub::authority
