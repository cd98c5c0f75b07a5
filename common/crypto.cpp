#include "common/crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/encoding.h"

namespace tc {
namespace {

std::string openssl_error(const char* what) {
  unsigned long code = ERR_get_error();
  char buf[256] = {0};
  if (code) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return std::string(what) + (code ? std::string(": ") + buf : std::string());
}

struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct CtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct BldFree { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };

using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::string bn_bytes(const BIGNUM* bn) {
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Bn bytes_bn(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// The public key of an RSA JWK, or null when the JWK is not one.
Pkey jwk_public_key(const nlohmann::json& jwk) {
  if (!jwk.is_object() || !jwk.contains("kty") || jwk["kty"] != "RSA") return nullptr;  // any type may come
  if (!jwk.contains("n") || !jwk.contains("e") || !jwk["n"].is_string() || !jwk["e"].is_string()) return nullptr;
  auto n = base64url_decode(jwk["n"].get<std::string>());
  auto e = base64url_decode(jwk["e"].get<std::string>());
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  Bn bn_n = bytes_bn(*n), bn_e = bytes_bn(*e);
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld) return nullptr;
  if (!OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return nullptr;
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    ERR_clear_error();
    return nullptr;
  }
  return Pkey(raw);
}

std::string pem_of(EVP_PKEY* key, bool private_half = false) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  const int written = private_half ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                                   : PEM_write_bio_PUBKEY(bio.get(), key);
  if (!bio || written != 1) throw std::runtime_error(openssl_error("PEM_write_bio"));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

// OpenSSL's own SHA-256 functions, which 3.0 deprecates in favour of EVP: a process's first EVP
// digest fetches the algorithm from a provider, about 0.5 ms (more than a run of a hundred steps
// spends on everything it hashes), where these take microseconds. A run that hashes its profile
// and scenario files and never signs pays no fetch.
std::string sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_CTX ctx;
  if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, data.data(), data.size()) != 1 || SHA256_Final(out, &ctx) != 1)
    throw std::runtime_error(openssl_error("SHA256"));
#pragma GCC diagnostic pop
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

namespace {
// The last key a thread used, keyed once: OpenSSL 3 looks the MAC and its digest up by name for every
// HMAC() and every keying, which cost a stub signing each forwarded request more than the MAC itself.
// A context is restarted with its key (EVP_MAC_init without one) for the next message.
struct KeyedHmac {
  std::string key;
  EVP_MAC_CTX* ctx = nullptr;
  ~KeyedHmac() {
    EVP_MAC_CTX_free(ctx);
    forget_key();
  }
  void forget_key() {
    OPENSSL_cleanse(key.data(), key.size());
    key.clear();
  }
};
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // kept for the process
  if (mac == nullptr) throw std::runtime_error(openssl_error("HMAC"));
  thread_local KeyedHmac last;
  auto fail = [&] {  // the next call keys a fresh context
    EVP_MAC_CTX_free(last.ctx);
    last.ctx = nullptr;
    return std::runtime_error(openssl_error("HMAC"));
  };
  if (last.ctx == nullptr || last.key != key) {
    EVP_MAC_CTX_free(last.ctx);
    last.ctx = nullptr;
    last.forget_key();
    last.key = key;  // before the context is keyed: a failure from here on leaves no context
    last.ctx = EVP_MAC_CTX_new(mac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    static const unsigned char no_key = 0;  // an empty key still needs a pointer to be set
    const auto* bytes = key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
    if (last.ctx == nullptr || !EVP_MAC_init(last.ctx, bytes, key.size(), params)) throw fail();
  } else if (!EVP_MAC_init(last.ctx, nullptr, 0, nullptr)) {
    throw fail();
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!EVP_MAC_update(last.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ||
      !EVP_MAC_final(last.ctx, out, &len, sizeof out))
    throw fail();
  return std::string(reinterpret_cast<char*>(out), len);
}

namespace {
// The kernel's CSPRNG (getrandom(2)): a process that draws ids and nonces does not pay for
// instantiating OpenSSL's DRBG (about a millisecond at start here).
void fill_random(unsigned char* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
    }
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}
}  // namespace

namespace {
// How many times this process's line has forked (counted in each child, by an atfork handler): a
// block drawn before a fork is never handed out again after it. Cheaper than getpid(), a system
// call, at every draw. Only fork() runs the handlers (not _Fork, nor a raw clone): the project forks
// with fork() alone (harness/env/child_process.cpp), and posix_spawn's children exec at once.
std::atomic<unsigned> fork_generation{0};

unsigned current_fork_generation() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
  });
  return fork_generation.load(std::memory_order_relaxed);
}
}  // namespace

std::string random_bytes(std::size_t n) {
  // Small draws (ids, nonces: one or more per step) come from a per-thread block of the CSPRNG's
  // output, each byte handed out once; a forked child draws a block of its own.
  constexpr std::size_t kBlock = 512, kSmall = 64;
  std::string out(n, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (n > kSmall) {
    fill_random(dst, n);
    return out;
  }
  thread_local unsigned char block[kBlock];
  thread_local std::size_t used = kBlock;
  thread_local unsigned drawn_in = 0;  // the fork generation the block was drawn in
  const unsigned generation = current_fork_generation();
  if (drawn_in != generation || kBlock - used < n) {
    fill_random(block, kBlock);
    used = 0;
    drawn_in = generation;
  }
  std::memcpy(dst, block + used, n);
  OPENSSL_cleanse(block + used, n);
  used += n;
  return out;
}

std::string random_token(std::size_t n_bytes) { return base64url_encode(random_bytes(n_bytes)); }

std::string uuid_v4() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct RsaKey::Impl {
  Pkey key;
};

RsaKey::RsaKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaKey::RsaKey(RsaKey&&) noexcept = default;
RsaKey& RsaKey::operator=(RsaKey&&) noexcept = default;
RsaKey::~RsaKey() = default;

RsaKey RsaKey::generate(int bits, const std::atomic<bool>* stop) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1)
    throw std::runtime_error(openssl_error("RSA key generation"));
  if (stop) {
    // OpenSSL calls back while it searches for primes; 0 stops the search.
    EVP_PKEY_CTX_set_app_data(ctx.get(), const_cast<std::atomic<bool>*>(stop));
    EVP_PKEY_CTX_set_cb(ctx.get(), [](EVP_PKEY_CTX* c) {
      return static_cast<const std::atomic<bool>*>(EVP_PKEY_CTX_get_app_data(c))->load() ? 0 : 1;
    });
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    if (stop && stop->load()) throw std::runtime_error("RSA key generation: stopped");
    throw std::runtime_error(openssl_error("RSA key generation"));
  }
  auto impl = std::make_unique<Impl>();
  impl->key.reset(raw);
  return RsaKey(std::move(impl));
}

std::string RsaKey::sign_rs256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1)
    throw std::runtime_error(openssl_error("EVP_DigestSignInit"));
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
    throw std::runtime_error(openssl_error("EVP_DigestSign"));
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) != 1)
    throw std::runtime_error(openssl_error("EVP_DigestSign"));
  sig.resize(len);
  return sig;
}

nlohmann::json RsaKey::public_jwk(const std::string& kid) const {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(impl_->key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(impl_->key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    throw std::runtime_error(openssl_error("EVP_PKEY_get_bn_param"));
  }
  Bn nn(n), ee(e);
  return {{"kty", "RSA"}, {"n", base64url_encode(bn_bytes(n))}, {"e", base64url_encode(bn_bytes(e))},
          {"kid", kid},   {"alg", "RS256"},                      {"use", "sig"}};
}

std::string RsaKey::public_pem() const { return pem_of(impl_->key.get()); }

std::string RsaKey::private_pem() const { return pem_of(impl_->key.get(), true); }

std::vector<RsaKey> RsaKey::from_private_pems(std::string_view pems) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pems.data(), static_cast<int>(pems.size())));
  if (!bio) throw std::runtime_error(openssl_error("BIO_new_mem_buf"));
  std::vector<RsaKey> keys;
  for (;;) {
    // After at least one key, text with no further PEM block is the end (the reader skips such text).
    char* rest = nullptr;
    const long left = BIO_get_mem_data(bio.get(), &rest);
    if (!keys.empty() && std::string_view(rest, static_cast<std::size_t>(left)).find("-----BEGIN ") == std::string_view::npos)
      return keys;
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!raw) throw std::runtime_error(openssl_error("reading an RSA private key"));
    auto impl = std::make_unique<Impl>();
    impl->key.reset(raw);
    if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) throw std::runtime_error("the private key is not an RSA key");
    keys.push_back(RsaKey(std::move(impl)));
  }
}

struct RsaPublicKey::Impl {
  Pkey key;
};

RsaPublicKey::RsaPublicKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaPublicKey::~RsaPublicKey() = default;

std::shared_ptr<const RsaPublicKey> RsaPublicKey::from_jwk(const nlohmann::json& jwk) {
  Pkey key = jwk_public_key(jwk);
  if (!key) return nullptr;
  return std::shared_ptr<const RsaPublicKey>(new RsaPublicKey(std::make_unique<Impl>(Impl{std::move(key)})));
}

bool RsaPublicKey::verify_rs256(std::string_view data, std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  return rc == 1;
}

bool verify_rs256(const nlohmann::json& jwk, std::string_view data, std::string_view signature) {
  const auto key = RsaPublicKey::from_jwk(jwk);
  return key && key->verify_rs256(data, signature);
}

std::optional<std::string> jwk_to_pem(const nlohmann::json& jwk) {
  Pkey key = jwk_public_key(jwk);
  if (!key) return std::nullopt;
  return pem_of(key.get());
}

}  // namespace tc
