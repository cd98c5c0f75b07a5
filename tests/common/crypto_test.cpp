#include "common/crypto.h"

#include <atomic>

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "common/encoding.h"

namespace tc {
namespace {

// One key for the whole suite: RSA generation is the slow part.
const RsaKey& key() {
  static RsaKey k = RsaKey::generate();
  return k;
}

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_encode(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Crypto, HmacSha256Rfc4231TestCases) {
  // Test case 1
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// A thread keeps its last key keyed (common/crypto.cpp): a key used again, another key between, an
// empty key and a key longer than the hash's block all give the MAC a fresh computation gives.
TEST(Crypto, HmacSha256KeysInTurnAndAcrossThreads) {
  const std::string case1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  const std::string case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string case6 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
  const std::string empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  auto round = [&] {
    int wrong = 0;
    for (int i = 0; i < 3; ++i) {
      wrong += hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) != case2;
      wrong += hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) != case2;
      wrong += hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")) != case1;
      wrong += hex_encode(hmac_sha256("", "")) != empty;
      wrong += hex_encode(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) != case6;
    }
    return wrong;
  };
  EXPECT_EQ(round(), 0);
  std::vector<int> wrong(4, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { wrong[t] = round(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(Crypto, RandomTokensAndUuidsAreFreshAndWellFormed) {
  EXPECT_EQ(random_bytes(32).size(), 32u);
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(random_token());
  EXPECT_EQ(seen.size(), 50u);
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(std::regex_match(uuid_v4(), uuid));
}

// Small draws come from a per-thread block of the CSPRNG's output: a forked child must draw a block
// of its own, never hand out the bytes its parent will hand out next. On a thread of its own, whose
// block is new: the parent's next bytes then come from the same block the child inherits.
TEST(Crypto, AForkedChildDrawsNoByteItsParentDraws) {
  std::string parents, childs(32, '\0');
  std::size_t got = 0;
  int status = -1;
  std::thread([&] {
    (void)random_bytes(8);  // this thread's block drawn, most of it not yet handed out
    int fds[2];
    if (::pipe(fds) != 0) return;
    const pid_t child = ::fork();
    if (child < 0) return;
    if (child == 0) {
      const std::string mine = random_bytes(32);
      const bool whole = ::write(fds[1], mine.data(), mine.size()) == static_cast<ssize_t>(mine.size());
      ::_exit(whole ? 0 : 1);
    }
    ::close(fds[1]);
    for (ssize_t n; got < childs.size() && (n = ::read(fds[0], childs.data() + got, childs.size() - got)) > 0;)
      got += static_cast<std::size_t>(n);
    ::close(fds[0]);
    ::waitpid(child, &status, 0);
    parents = random_bytes(32);
  }).join();
  ASSERT_EQ(got, childs.size());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(parents.size(), 32u);
  EXPECT_NE(parents, childs) << "the child handed out the parent's next bytes";
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(Crypto, PublicJwkHasTheRsaFields) {
  auto jwk = key().public_jwk("k1");
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["kid"], "k1");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_EQ(jwk["e"], "AQAB");  // 65537
  auto n = base64url_decode(jwk["n"].get<std::string>());
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->size(), 256u);  // 2048 bits
}

TEST(Crypto, SignVerifyRoundTrip) {
  std::string sig = key().sign_rs256("payload");
  EXPECT_EQ(sig.size(), 256u);
  auto jwk = key().public_jwk("k1");
  EXPECT_TRUE(verify_rs256(jwk, "payload", sig));
  EXPECT_FALSE(verify_rs256(jwk, "payloaD", sig));
  std::string bad = sig;
  bad[10] = static_cast<char>(bad[10] ^ 1);
  EXPECT_FALSE(verify_rs256(jwk, "payload", bad));
}

TEST(Crypto, WrongKeyDoesNotVerify) {
  RsaKey other = RsaKey::generate();
  std::string sig = key().sign_rs256("payload");
  EXPECT_FALSE(verify_rs256(other.public_jwk("k2"), "payload", sig));
}

TEST(Crypto, InvalidJwkNeitherVerifiesNorConverts) {
  std::string sig = key().sign_rs256("payload");
  EXPECT_FALSE(verify_rs256(nlohmann::json{{"kty", "EC"}}, "payload", sig));
  EXPECT_FALSE(verify_rs256(nlohmann::json{{"kty", "RSA"}, {"n", "***"}, {"e", "AQAB"}}, "payload", sig));
  EXPECT_FALSE(jwk_to_pem(nlohmann::json{{"kty", "RSA"}}).has_value());
}

// A JWKS comes from the platform: a member of any type is "not an RSA key", never an exception
// (found by fuzzing: a numeric kty aborted the process).
TEST(Crypto, AJwkMemberOfAnyTypeIsNotAKeyRatherThanAnException) {
  auto jwk = key().public_jwk("k1");
  for (const nlohmann::json& odd : {nlohmann::json(5), nlohmann::json::array(), nlohmann::json(nullptr)}) {
    for (const char* member : {"kty", "n", "e"}) {
      auto bad = jwk;
      bad[member] = odd;
      EXPECT_EQ(RsaPublicKey::from_jwk(bad), nullptr) << member << " = " << odd.dump();
    }
  }
  EXPECT_NE(RsaPublicKey::from_jwk(jwk), nullptr);
}

TEST(Crypto, PemFromKeyAndFromJwkAgree) {
  std::string pem = key().public_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  auto from_jwk = jwk_to_pem(key().public_jwk("k1"));
  ASSERT_TRUE(from_jwk.has_value());
  EXPECT_EQ(*from_jwk, pem);
}

TEST(Crypto, AKeyGenerationToldToStopStopsWithAnErrorAndOneLeftAloneMakesAKey) {
  std::atomic<bool> stop{true};
  try {
    RsaKey::generate(2048, &stop);
    FAIL() << "a key was generated although told to stop";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "RSA key generation: stopped");
  }
  stop = false;
  const RsaKey made = RsaKey::generate(2048, &stop);
  const std::string sig = made.sign_rs256("data");
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(RsaPublicKey::from_jwk(made.public_jwk("k"))->verify_rs256("data", sig));
}

TEST(Crypto, MovedKeyStillSigns) {
  RsaKey a = RsaKey::generate();
  auto jwk = a.public_jwk("a");
  RsaKey b = std::move(a);
  EXPECT_TRUE(verify_rs256(jwk, "x", b.sign_rs256("x")));
}

}  // namespace
}  // namespace tc
