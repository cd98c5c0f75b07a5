// The Authority's signing keys (contract A2): RSA key pairs generated in memory (the first one may be
// handed over by the runner instead), never written anywhere by the stub. The newest key signs; every
// key ever rotated in stays in the JWKS, so tokens signed before a rotation keep verifying.
// Generation (0.1-0.3 s for 2048 bits) happens off the request path: the first key is generated in
// the background from construction, so the stub listens at once and the first signing or JWKS answer
// waits for it; then one spare is generated, which the first rotation takes. Thread-safe.
#pragma once
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto.h"

namespace tc::stub::authority {

class KeyStore {
 public:
  // A key that may still be being generated.
  using Key = std::shared_future<std::shared_ptr<const RsaKey>>;

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
    Key key;  // get() waits while the key is still being generated; rethrows a generation failure
  };
  mutable std::mutex mu_;
  std::vector<Entry> keys_;
  Key spare_;  // the key the next rotation takes; invalid once taken
};

}  // namespace tc::stub::authority
