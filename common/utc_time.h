// Wall-clock times as reports print them: UTC, formatted with strftime.
#pragma once
#include <cstdint>
#include <string>

namespace tc {

// `epoch_ms` (milliseconds since the epoch) in UTC through strftime's `format`
// ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d").
std::string format_utc(std::int64_t epoch_ms, const char* format);
// RFC 3339 UTC with milliseconds ("2026-01-31T12:34:56.789Z"): audit records' ts.
std::string rfc3339_ms(std::int64_t epoch_ms);
// Now, in milliseconds since the epoch (what reports stamp).
std::int64_t epoch_ms();
// Now, in whole seconds since the epoch (what token times and expiries count in).
std::int64_t epoch_seconds();

}  // namespace tc
