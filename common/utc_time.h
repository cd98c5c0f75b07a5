// Wall-clock times as reports and audit records print them, in UTC.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tc {

// `epoch_ms` (milliseconds since the epoch) in UTC through strftime's `format`
// ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d").
std::string format_utc(std::int64_t epoch_ms, const char* format);
// RFC 3339 UTC with milliseconds ("2026-01-31T12:34:56.789Z"): audit records' ts.
std::string rfc3339_ms(std::int64_t epoch_ms);
// Whether `text` is an RFC 3339 date-time in UTC (offset Z or +00:00, any fraction of a second),
// with a month, day, hour, minute and second in range (a leap second 60 allowed).
bool is_rfc3339_utc(std::string_view text);
// Now, in milliseconds since the epoch (what reports stamp).
std::int64_t epoch_ms();
// Now, in whole seconds since the epoch (what token times and expiries count in).
std::int64_t epoch_seconds();

}  // namespace tc
