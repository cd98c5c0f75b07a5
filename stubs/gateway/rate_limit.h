// Per-tenant rate limits at the gateway (seed 003 tier limits; fixtures tenancy.yaml): each key (the
// tenant) has a fixed window that its first counted request starts; within it `requests` requests are
// allowed, the next are refused until the window ends, and a refusal says how many whole seconds
// remain (Retry-After, at least 1). Keys never share a budget: one tenant's burst cannot starve
// another's. Thread-safe.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "stubs/tenancy.h"

namespace tc::stub::gateway {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Verdict {
    bool allowed = true;
    long retry_after_seconds = 0;  // when refused: until the key's window ends, rounded up
  };
  Verdict count(const std::string& key, const RateLimit& limit, Clock::time_point now = Clock::now());

 private:
  struct Window {
    Clock::time_point start;
    long used = 0;
  };
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace tc::stub::gateway
