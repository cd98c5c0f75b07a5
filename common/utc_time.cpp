#include "common/utc_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace tc {

std::string format_utc(std::int64_t epoch_ms, const char* format) {
  const std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

std::string rfc3339_ms(std::int64_t epoch_ms) {
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(epoch_ms % 1000));
  return format_utc(epoch_ms, "%Y-%m-%dT%H:%M:%S") + ms;
}

std::int64_t epoch_seconds() { return epoch_ms() / 1000; }

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tc
