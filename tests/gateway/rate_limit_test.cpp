// Per-tenant budgets at the gateway (stubs/gateway/rate_limit.h), on a clock the test moves.
#include "stubs/gateway/rate_limit.h"

#include <gtest/gtest.h>

namespace tc::stub::gateway {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsTheBudgetThenRefusesUntilTheWindowEnds) {
  RateLimiter limiter;
  const RateLimit limit{3, 60};
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.count("a", limit, t0 + std::chrono::seconds(i)).allowed) << i;
  auto refused = limiter.count("a", limit, t0 + 10s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 50);
  // Rounded up, never 0.
  EXPECT_EQ(limiter.count("a", limit, t0 + 59s + 500ms).retry_after_seconds, 1);
  EXPECT_EQ(limiter.count("a", limit, t0 + 20s + 1ms).retry_after_seconds, 40);
  // A new window starts at the first request after the old one ended.
  EXPECT_TRUE(limiter.count("a", limit, t0 + 60s).allowed);
}

TEST(RateLimiter, KeysNeverShareABudget) {
  RateLimiter limiter;
  const RateLimit limit{1, 60};
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.count("a", limit, t0).allowed);
  EXPECT_FALSE(limiter.count("a", limit, t0).allowed);
  EXPECT_TRUE(limiter.count("b", limit, t0).allowed);
}

}  // namespace
}  // namespace tc::stub::gateway
