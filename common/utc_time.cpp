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

bool is_rfc3339_utc(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then the offset.
  const auto digits = [&](std::size_t at, std::size_t n, int low, int high) {
    if (t.size() < at + n) return false;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return v >= low && v <= high;
  };
  if (!digits(0, 4, 0, 9999) || t[4] != '-' || !digits(5, 2, 1, 12) || t[7] != '-' || !digits(8, 2, 1, 31) ||
      (t[10] != 'T' && t[10] != 't') || !digits(11, 2, 0, 23) || t[13] != ':' || !digits(14, 2, 0, 59) ||
      t[16] != ':' || !digits(17, 2, 0, 60))
    return false;
  std::size_t at = 19;
  if (at < t.size() && t[at] == '.') {
    const std::size_t first = ++at;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9') ++at;
    if (at == first) return false;
  }
  const std::string_view offset = t.substr(at);
  return offset == "Z" || offset == "z" || offset == "+00:00";
}

std::int64_t epoch_seconds() { return epoch_ms() / 1000; }

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tc
