#include "common/utc_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace tc {

namespace {

// `secs` since the epoch in UTC through strftime's `format`.
std::string format_seconds(std::time_t secs, const char* format) {
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

}  // namespace

std::string format_utc(std::int64_t epoch_ms, const char* format) {
  return format_seconds(static_cast<std::time_t>(epoch_ms / 1000), format);
}

// Digits placed by hand from the civil calendar: a stub stamps every audit record with this, and
// strftime and snprintf cost more than the rest of the record.
std::string rfc3339_ms(std::int64_t epoch_ms) {
  using namespace std::chrono;
  constexpr std::int64_t kYear0 = -62'167'219'200'000, kYear10000 = 253'402'300'800'000;
  const std::int64_t secs = epoch_ms / 1000 - (epoch_ms % 1000 < 0 ? 1 : 0);  // floored
  const int millis = static_cast<int>(epoch_ms - secs * 1000);
  if (epoch_ms < kYear0 || epoch_ms >= kYear10000) {  // a year of other than four digits: strftime's
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03dZ", millis);
    return format_seconds(static_cast<std::time_t>(secs), "%Y-%m-%dT%H:%M:%S") + fraction;
  }
  const sys_seconds t{seconds(secs)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss hms(t - day);
  char buf[] = "0000-00-00T00:00:00.000Z";
  const auto put = [&](int at, int width, long long v) {
    for (int i = at + width - 1; i >= at; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(5, 2, static_cast<unsigned>(ymd.month()));
  put(8, 2, static_cast<unsigned>(ymd.day()));
  put(11, 2, hms.hours().count());
  put(14, 2, hms.minutes().count());
  put(17, 2, hms.seconds().count());
  put(20, 3, millis);
  return std::string(buf, sizeof buf - 1);
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
