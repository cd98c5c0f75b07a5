// Hashes, HMAC, randomness and RSA keys on OpenSSL 3. Thread-safe: no shared mutable state.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tc {

std::string sha256(std::string_view data);                               // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view data);    // 32 raw bytes
std::string random_bytes(std::size_t n);                                 // from the OS CSPRNG
std::string random_token(std::size_t n_bytes = 16);                      // base64url of random_bytes
std::string uuid_v4();
bool constant_time_equal(std::string_view a, std::string_view b);

// An RSA key pair generated in memory. Owns its OpenSSL key. Its private half leaves memory only
// through private_pem(), for a process that hands its key to a child (0600 file, removed after).
class RsaKey {
 public:
  // Throws std::runtime_error when generation fails, or when `stop` is set while it runs (it is
  // looked at between candidate primes, so a process that stops need not wait for a key it will
  // not use).
  static RsaKey generate(int bits = 2048, const std::atomic<bool>* stop = nullptr);
  // The keys of PEM private keys one after another (PKCS#8), in order; throws std::runtime_error when
  // there is none, or when a block is not an RSA private key.
  static std::vector<RsaKey> from_private_pems(std::string_view pems);
  RsaKey(RsaKey&&) noexcept;
  RsaKey& operator=(RsaKey&&) noexcept;
  ~RsaKey();
  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`: the raw signature bytes.
  std::string sign_rs256(std::string_view data) const;
  // The public key as a JWK: {"kty":"RSA","n":..,"e":..,"kid":kid,"alg":"RS256","use":"sig"}.
  nlohmann::json public_jwk(const std::string& kid) const;
  std::string public_pem() const;
  std::string private_pem() const;   // PKCS#8, unencrypted: a secret

 private:
  struct Impl;
  explicit RsaKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An RSA public key parsed once from a JWK (kty RSA, n, e), for verifying many signatures without
// rebuilding the key each time. Immutable; verify is safe from several threads at once.
class RsaPublicKey {
 public:
  // nullptr when the JWK is not a valid RSA public key.
  static std::shared_ptr<const RsaPublicKey> from_jwk(const nlohmann::json& jwk);
  ~RsaPublicKey();
  RsaPublicKey(const RsaPublicKey&) = delete;
  RsaPublicKey& operator=(const RsaPublicKey&) = delete;
  // RSASSA-PKCS1-v1_5 with SHA-256.
  bool verify_rs256(std::string_view data, std::string_view signature) const;

 private:
  struct Impl;
  explicit RsaPublicKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Verifies an RS256 signature with the RSA public key of a JWK (kty RSA, n, e).
bool verify_rs256(const nlohmann::json& jwk, std::string_view data, std::string_view signature);
// The SubjectPublicKeyInfo PEM of an RSA JWK, nullopt if the JWK is not a valid RSA key.
std::optional<std::string> jwk_to_pem(const nlohmann::json& jwk);

}  // namespace tc
