#include "stubs/gateway/rate_limit.h"

#include <algorithm>

namespace tc::stub::gateway {

RateLimiter::Verdict RateLimiter::count(const std::string& key, const RateLimit& limit, Clock::time_point now) {
  const auto length = std::chrono::seconds(limit.window_seconds);
  std::lock_guard lock(mu_);
  auto [it, fresh] = windows_.try_emplace(key, Window{now, 0});
  Window& w = it->second;
  if (!fresh && now >= w.start + length) w = Window{now, 0};
  if (w.used < limit.requests) {
    ++w.used;
    return {};
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(w.start + length - now).count();
  return {false, std::max<long>(1, static_cast<long>(left))};
}

}  // namespace tc::stub::gateway
