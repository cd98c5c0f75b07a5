// The Authority's signing keys (contract A2): RSA key pairs generated in memory or handed over by
// the runner, never written anywhere by the stub. The newest key signs; every key ever rotated in
// stays in the JWKS, so tokens signed before a rotation keep verifying. Generation (0.1-0.3 s for
// 2048 bits) stays off the request path: a first key not handed over is generated in the background
// from construction (the stub listens at once; the first signing or JWKS answer waits for it), and
// when no key is handed over for rotations, one spare is generated after it for the first rotation.
// Thread-safe.
#pragma once
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/jwt.h"

namespace tc::stub::authority {

class KeyStore {
 public:
  // A key that may still be being generated.
  using Key = std::shared_future<std::shared_ptr<const RsaKey>>;

  // `private_pems`: empty, or PEM private keys one after another (a runner reusing keys across its
  // runs). The first is the first key, kid "k1-<random>", else generated; each further one is taken
  // by a rotation, in order. Throws std::runtime_error on a PEM block that is not an RSA key.
  explicit KeyStore(const std::string& private_pems = "");
  // Stops a generation still running (its key is never used) instead of waiting for it.
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  // Adds a key that signs from now on (the next handed-over or spare key, else a new one); returns
  // its kid ("k<n>-<random>").
  std::string rotate();
  // An RS256 JWT of `payload` with the newest key; `name_kid` false leaves kid out of the header
  // (only the fault authority.token_without_kid asks for that).
  std::string sign(const nlohmann::json& payload, bool name_kid = true) const;
  // {"keys":[public JWK, ...]} in rotation order; built once per rotation.
  nlohmann::json jwks() const;
  // Why `jwt`'s signature is not one of these keys' (verify_jwt_signature's checks and reasons);
  // empty when it is. Each key's public half is parsed once.
  std::string verify(const Jwt& jwt) const;

 private:
  struct Entry {
    std::string kid;
    Key key;  // get() waits while the key is still being generated; rethrows a generation failure
  };
  // Set when the store goes: the background generations hold it, and stop at it.
  std::shared_ptr<std::atomic<bool>> stop_ = std::make_shared<std::atomic<bool>>(false);
  mutable std::mutex mu_;
  std::vector<Entry> keys_;
  std::deque<Key> next_;  // the keys the next rotations take, in order
  mutable nlohmann::json jwks_;  // the last jwks() built (null before the first)
  mutable std::map<std::string, std::shared_ptr<const RsaPublicKey>> public_;  // kid -> public half
};

}  // namespace tc::stub::authority
