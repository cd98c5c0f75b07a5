#include "stubs/gateway/authn.h"

#include <thread>

#include <gtest/gtest.h>

#include "common/jwt.h"

namespace tc::stub::gateway {
namespace {

using nlohmann::json;

struct FakeAuthority {
  json keys = json::array();
  int fetches = 0;
  JwksCache::Fetch fetch() {
    return [this]() -> Result<json> {
      ++fetches;
      return json{{"keys", keys}};
    };
  }
};

TEST(JwksCache, FetchesOnceThenServesFromCache) {
  FakeAuthority a;
  a.keys.push_back({{"kid", "k1"}, {"kty", "RSA"}});
  JwksCache cache(a.fetch());
  EXPECT_TRUE(cache.key("k1").has_value());
  EXPECT_TRUE(cache.key("k1").has_value());
  EXPECT_EQ(a.fetches, 1);
}

// The JWKS is the Authority's to write: a kid of another type is no match, never an exception (found
// by fuzzing: an array kid aborted the gateway).
TEST(JwksCache, AKidOfAnotherTypeIsNoMatchRatherThanAnException) {
  FakeAuthority a;
  a.keys.push_back({{"kid", json::array({"k1"})}});
  a.keys.push_back({{"kid", 7}});
  a.keys.push_back({{"kid", "k1"}, {"kty", "RSA"}});
  JwksCache cache(a.fetch());
  ASSERT_NO_THROW(EXPECT_TRUE(cache.key("k1").has_value()));
  ASSERT_NO_THROW(EXPECT_FALSE(cache.key("7").has_value()));
}

TEST(JwksCache, UnknownKidRefetchesOnceThenCoolsDownForThatKid) {
  FakeAuthority a;
  a.keys.push_back({{"kid", "k1"}});
  JwksCache cache(a.fetch(), std::chrono::milliseconds(200));
  ASSERT_TRUE(cache.key("k1"));
  a.keys.push_back({{"kid", "k2"}});  // rotated in
  EXPECT_TRUE(cache.key("k2").has_value());
  EXPECT_EQ(a.fetches, 2);
  EXPECT_FALSE(cache.key("nope").has_value());
  EXPECT_FALSE(cache.key("nope").has_value());
  EXPECT_EQ(a.fetches, 3);  // the failed refetch starts a cooldown for "nope"
  a.keys.push_back({{"kid", "k3"}});  // rotated in during that cooldown: accepted at once
  EXPECT_TRUE(cache.key("k3").has_value());
  EXPECT_EQ(a.fetches, 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_FALSE(cache.key("nope").has_value());
  EXPECT_EQ(a.fetches, 5);
}

TEST(JwksCache, ConcurrentLookupsShareTheCache) {
  FakeAuthority a;
  a.keys.push_back({{"kid", "k1"}});
  JwksCache cache(a.fetch());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) EXPECT_TRUE(cache.key("k1").has_value());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(a.fetches, 1);
}

class CheckToken : public ::testing::Test {
 protected:
  CheckToken() : key_(RsaKey::generate(2048)), cache_([this]() -> Result<json> { return jwks_; }) {
    jwks_ = {{"keys", json::array({key_.public_jwk("kid-1")})}};
    rules_.issuer = "http://authority.test";
    rules_.audience = "stellaops-api";
    rules_.now = 1700000000;
  }
  json claims(json patch = json::object()) {
    json c = {{"iss", "http://authority.test"}, {"aud", "stellaops-api"}, {"sub", "user-ada"},
              {"exp", rules_.now + 600},        {"nbf", rules_.now},       {"iat", rules_.now}};
    c.merge_patch(patch);
    return c;
  }
  std::string sign(json patch = json::object()) { return sign_jwt_rs256(key_, "kid-1", claims(std::move(patch))); }
  RsaKey key_;
  json jwks_;
  JwksCache cache_;
  TokenRules rules_;
};

TEST_F(CheckToken, AcceptsAValidTokenAndReturnsItsClaims) {
  auto v = check_token(sign(), cache_, rules_);
  ASSERT_TRUE(v.ok()) << v.problem;
  ASSERT_TRUE(v.claims);
  EXPECT_EQ((*v.claims)["sub"], "user-ada");
}

TEST_F(CheckToken, RefusesEachBadProperty) {
  EXPECT_FALSE(check_token(sign({{"iss", "http://other"}}), cache_, rules_).ok());
  EXPECT_FALSE(check_token(sign({{"aud", "other"}}), cache_, rules_).ok());
  EXPECT_TRUE(check_token(sign({{"aud", {"x", "stellaops-api"}}}), cache_, rules_).ok());
  EXPECT_FALSE(check_token(sign({{"exp", rules_.now - 61}}), cache_, rules_).ok());
  EXPECT_TRUE(check_token(sign({{"exp", rules_.now - 59}}), cache_, rules_).ok());
  EXPECT_FALSE(check_token(sign({{"nbf", rules_.now + 61}}), cache_, rules_).ok());
  EXPECT_FALSE(check_token(craft_alg_none(claims()), cache_, rules_).ok());
  EXPECT_FALSE(check_token(craft_unknown_kid(sign()), cache_, rules_).ok());
  EXPECT_FALSE(check_token(craft_tampered(sign(), {{"sub", "root"}}), cache_, rules_).ok());
  EXPECT_FALSE(check_token(craft_hs256_with_key(claims(), key_.public_pem()), cache_, rules_).ok());
  EXPECT_FALSE(check_token("x.y", cache_, rules_).ok());
}

// A token that verified is remembered, so it is not verified again; its claims are still checked
// every time, a token differing in one byte is not that token, and a new key set forgets them all.
TEST_F(CheckToken, AVerifiedTokenIsRememberedButItsClaimsAreCheckedEveryTime) {
  const std::string token = sign();
  EXPECT_EQ(cache_.verified(token), nullptr);
  ASSERT_TRUE(check_token(token, cache_, rules_).ok());
  ASSERT_NE(cache_.verified(token), nullptr);
  EXPECT_EQ((*cache_.verified(token))["sub"], "user-ada");
  EXPECT_TRUE(check_token(token, cache_, rules_).ok());
  rules_.now += 600 + 61;  // past exp and the leeway: the remembered token is refused all the same
  EXPECT_EQ(check_token(token, cache_, rules_).problem, check_token(sign({{"exp", rules_.now - 61}}), cache_, rules_).problem);
  EXPECT_FALSE(check_token(token, cache_, rules_).ok());
  rules_.now -= 600 + 61;
  rules_.audience = "another-api";
  EXPECT_FALSE(check_token(token, cache_, rules_).ok());
  rules_.audience = "stellaops-api";
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(check_token(flipped, cache_, rules_).ok());
  EXPECT_EQ(cache_.verified(flipped), nullptr);
  EXPECT_FALSE(check_token(craft_tampered(token, {{"sub", "root"}}), cache_, rules_).ok());
  // An unknown kid makes the gateway fetch the key set again: what was remembered is forgotten.
  EXPECT_FALSE(check_token(craft_unknown_kid(token), cache_, rules_).ok());
  EXPECT_EQ(cache_.verified(token), nullptr);
  EXPECT_TRUE(check_token(token, cache_, rules_).ok());
}

TEST_F(CheckToken, FaultSwitchesAcceptWhatTheyName) {
  rules_.accept_expired = true;
  EXPECT_TRUE(check_token(sign({{"exp", rules_.now - 3600}}), cache_, rules_).ok());
  rules_.accept_alg_none = true;
  EXPECT_TRUE(check_token(craft_alg_none(claims()), cache_, rules_).ok());
  rules_.accept_wrong_audience = true;
  EXPECT_TRUE(check_token(sign({{"aud", "other"}}), cache_, rules_).ok());
}

}  // namespace
}  // namespace tc::stub::gateway
