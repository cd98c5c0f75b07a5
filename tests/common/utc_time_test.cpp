#include "common/utc_time.h"

#include <cstdio>
#include <ctime>

#include <gtest/gtest.h>

namespace tc {
namespace {

// The same instant through gmtime_r and snprintf, as a reference (milliseconds floored).
std::string by_strftime(std::int64_t ms) {
  const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
  return buf;
}

TEST(Rfc3339Ms, GivesTheCalendarsDateAndTimeToTheMillisecond) {
  EXPECT_EQ(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(951782400123), "2000-02-29T00:00:00.123Z");  // a leap day
  EXPECT_EQ(rfc3339_ms(1798761599999), "2026-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339_ms(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339_ms(-59006318399995), "0100-03-01T12:00:00.005Z");  // four digits, as RFC 3339 has it
  // A year of five digits, or before year 0, is spelled as strftime spells it.
  EXPECT_EQ(rfc3339_ms(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(2069000000000000), "67534-01-01T06:13:20.000Z");
  EXPECT_EQ(rfc3339_ms(-62167219200001), "-1-12-31T23:59:59.999Z");
  // Every 7,919,371,333 ms (about three months, a prime step) from 1901 to 2104, against gmtime.
  for (std::int64_t ms = -2'177'452'800'000; ms < 4'262'889'600'000; ms += 7'919'371'333)
    ASSERT_EQ(rfc3339_ms(ms), by_strftime(ms)) << ms;
  const std::string now = rfc3339_ms(epoch_ms());
  EXPECT_TRUE(is_rfc3339_utc(now)) << now;
}

}  // namespace
}  // namespace tc
