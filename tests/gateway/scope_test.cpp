#include "stubs/gateway/scope.h"

#include <gtest/gtest.h>

namespace tc::stub::gateway {
namespace {

TEST(Scope, SpaceSeparatedClaim) {
  auto granted = granted_scopes("openid  platform.read scanner.read");
  EXPECT_EQ(granted, (std::vector<std::string>{"openid", "platform.read", "scanner.read"}));
  EXPECT_TRUE(has_scope(granted, "platform.read"));
  EXPECT_FALSE(has_scope(granted, "platform.write"));
  EXPECT_FALSE(has_scope(granted, "platform"));  // no prefix match
}

TEST(Scope, ArrayClaimAndMissingClaim) {
  EXPECT_TRUE(has_scope(granted_scopes(nlohmann::json::array({"graph.read"})), "graph.read"));
  EXPECT_TRUE(granted_scopes(nullptr).empty());
  EXPECT_TRUE(granted_scopes(42).empty());
  EXPECT_FALSE(has_scope({}, "graph.read"));
  EXPECT_TRUE(has_scope({}, ""));
}

}  // namespace
}  // namespace tc::stub::gateway
