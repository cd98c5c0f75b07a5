// Small probes the supervisor polls until a component is ready: a free local port to hand a spawned
// build, a TCP connect, the URL a stub announces in its log, and the tail of a log for messages.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "harness/env/topology.h"

namespace tc {

// A TCP port that was free on 127.0.0.1 a moment ago (bound to port 0, read, closed); 0 on failure.
int free_local_port();

// Whether a TCP connection to the host and port of `url` (http:// 80, https:// 443 by default)
// succeeds within `timeout_ms`.
bool tcp_connects(const std::string& url, long timeout_ms);

// Milliseconds until `deadline`, never negative.
long remaining_ms(std::chrono::steady_clock::time_point deadline);

// One try at a launched component: its URL once it is ready, else nullopt; a try ends by `deadline`.
using ReadinessProbe = std::function<std::optional<std::string>(std::chrono::steady_clock::time_point deadline)>;
// Ready at `base` when a TCP connection to it succeeds.
ReadinessProbe tcp_probe(const std::string& base);
// Ready at `base` when GET base + ready.http_path answers ready.expect_status (over `tls`).
ReadinessProbe http_probe(const std::string& base, const ReadinessSpec& ready, const TlsOptions& tls);

// The first line of `log_file` that is a URL (a stub prints its base URL first), without a
// trailing slash; nullopt while there is none.
std::optional<std::string> announced_url(const std::string& log_file);

// Wakes its owner when a file is written to or closed (inotify), so that a line a child prints is
// read as it is written rather than at the next tick of a poll. Where inotify is not available,
// wait() sleeps a short tick instead.
class FileWatch {
 public:
  explicit FileWatch(const std::string& path);
  ~FileWatch();
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;
  // Returns once the file has changed since the last call, or after `max_ms`.
  void wait(long max_ms);

 private:
  int fd_ = -1;
};

// The last `lines` lines of a text file, redacted (secrets never reach messages); empty if unreadable.
std::string file_tail(const std::string& path, std::size_t lines);

// `url` without trailing slashes.
std::string strip_trailing_slash(std::string url);

}  // namespace tc
