#include "common/bearer.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

TEST(BearerToken, SchemeCaseInsensitiveOthersRefused) {
  auto token_in = [](const std::string& value) { return credential_of(value, "Bearer"); };
  EXPECT_EQ(token_in("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(token_in("bearer   abc "), "abc");
  EXPECT_EQ(token_in("BEARER abc"), "abc");
  EXPECT_EQ(token_in("Basic dXNlcjpwdw=="), std::nullopt);
  EXPECT_EQ(token_in("Bearer"), std::nullopt);
  EXPECT_EQ(token_in("Bearer "), std::nullopt);
  EXPECT_EQ(token_in("Bearerabc"), std::nullopt);
  EXPECT_EQ(token_in(""), std::nullopt);
}

TEST(BearerToken, OtherSchemesByTheirName) {
  EXPECT_EQ(credential_of("Basic dXNlcjpwdw==", "Basic"), "dXNlcjpwdw==");
  EXPECT_EQ(credential_of("DPoP abc", "Bearer"), std::nullopt);
}

TEST(Challenge, SchemeAloneOrWithQuotedParametersInOrder) {
  EXPECT_EQ(challenge("Bearer"), "Bearer");
  EXPECT_EQ(challenge("Bearer", {{"error", "invalid_token"}, {"error_description", "expired"}}),
            "Bearer error=\"invalid_token\", error_description=\"expired\"");
  EXPECT_EQ(challenge("Basic", {{"realm", "http://127.0.0.1:1"}}), "Basic realm=\"http://127.0.0.1:1\"");
}

TEST(Challenge, CallerInputCannotBreakTheQuotedString) {
  const std::string hostile = "alg \"none\"\\\r\nInjected: yes";
  const std::string c = challenge("Bearer", {{"error_description", hostile}});
  EXPECT_EQ(c.find('\r'), std::string::npos);
  EXPECT_EQ(c.find('\n'), std::string::npos);
  EXPECT_EQ(c, "Bearer error_description=\"alg 'none''''Injected: yes\"");
  EXPECT_LE(challenge("Bearer", {{"d", std::string(1000, 'x')}}).size(), std::string("Bearer d=\"\"").size() + 200);
}

TEST(ChallengeSchemes, OneSchemePerChallengeParametersAndQuotedCommasAside) {
  using V = std::vector<std::string>;
  EXPECT_EQ(challenge_schemes("Bearer"), V{"Bearer"});
  EXPECT_EQ(challenge_schemes("Bearer error=\"invalid_token\", error_description=\"a, b\""), V{"Bearer"});
  EXPECT_EQ(challenge_schemes("Basic realm=\"x, Bearer y\", Bearer"), (V{"Basic", "Bearer"}));
  EXPECT_EQ(challenge_schemes("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\""),
            (V{"Newauth", "Basic"}));
  EXPECT_EQ(challenge_schemes("Basic abc==, Token realm = \"r\""), (V{"Basic", "Token"}));
  EXPECT_EQ(challenge_schemes(""), V{});
  EXPECT_EQ(challenge_schemes(" , ,"), V{});
}

TEST(ChallengeSchemes, TheWantedSchemeWhereverListedElseTheFirst) {
  using V = std::vector<std::string>;
  EXPECT_EQ(scheme_to_answer(V{"Basic realm=\"r\", bearer"}, "Bearer"), "Bearer");
  EXPECT_EQ(scheme_to_answer(V{"Token realm=\"r\", Basic"}, "Bearer"), "Token");
  EXPECT_EQ(scheme_to_answer(V{""}, "Bearer"), "");
  EXPECT_EQ(scheme_to_answer(V{}, "Bearer"), "");
  // A field whose quoted string never closes does not swallow the field after it.
  EXPECT_EQ(scheme_to_answer(V{"Basic realm=\"open", "Bearer"}, "Bearer"), "Bearer");
  EXPECT_EQ(scheme_to_answer(V{"Token", "Basic"}, "Bearer"), "Token");
}

}  // namespace
}  // namespace tc
