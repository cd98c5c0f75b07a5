// Wall-clock times as reports print them: UTC, formatted with strftime.
#pragma once
#include <cstdint>
#include <string>

namespace tc {

// `epoch_ms` (milliseconds since the epoch) in UTC through strftime's `format`
// ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d").
std::string format_utc(std::int64_t epoch_ms, const char* format);
// Now, in milliseconds since the epoch (what reports stamp).
std::int64_t epoch_ms();

}  // namespace tc
