// Small probes the supervisor polls until a component is ready: a free local port to hand a spawned
// build, a TCP connect, the URL a stub announces in its log, and the tail of a log for messages.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

namespace tc {

// A TCP port that was free on 127.0.0.1 a moment ago (bound to port 0, read, closed); 0 on failure.
int free_local_port();

// Whether a TCP connection to the host and port of `url` (http:// 80, https:// 443 by default)
// succeeds within `timeout_ms`.
bool tcp_connects(const std::string& url, long timeout_ms);

// The first line of `log_file` that is a URL (a stub prints its base URL first), without a
// trailing slash; nullopt while there is none.
std::optional<std::string> announced_url(const std::string& log_file);

// The last `lines` lines of a text file, redacted (secrets never reach messages); empty if unreadable.
std::string file_tail(const std::string& path, std::size_t lines);

// `url` without trailing slashes.
std::string strip_trailing_slash(std::string url);

}  // namespace tc
