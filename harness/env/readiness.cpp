#include "harness/env/readiness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>
#include <memory>

#include "common/http_client.h"
#include "common/redact.h"

namespace tc {
namespace {

bool connect_within(const addrinfo* ai, long timeout_ms) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return false;
  bool ok = false;
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_ms)) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ok = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

int free_local_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool tcp_connects(const std::string& url, long timeout_ms) {
  auto hp = url_host_port(url);
  if (!hp) return false;
  if (hp->host.size() > 2 && hp->host.front() == '[') hp->host = hp->host.substr(1, hp->host.size() - 2);  // IPv6
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(hp->host.c_str(), hp->port.c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* ai = res; ai && !ok; ai = ai->ai_next) ok = connect_within(ai, timeout_ms);
  ::freeaddrinfo(res);
  return ok;
}

std::optional<std::string> announced_url(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line;
  while (std::getline(in, line)) {
    if (!in.good() && !in.eof()) break;
    if (in.eof()) return std::nullopt;   // a line without its newline may still be being written
    std::string t = line;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ')) t.pop_back();
    if (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0) return strip_trailing_slash(t);
  }
  return std::nullopt;
}

FileWatch::FileWatch(const std::string& path) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ >= 0 && ::inotify_add_watch(fd_, path.c_str(), IN_MODIFY | IN_CLOSE_WRITE) < 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

FileWatch::~FileWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWatch::wait(long max_ms) {
  constexpr long kTickMs = 20;   // without inotify
  if (fd_ < 0) {
    ::poll(nullptr, 0, static_cast<int>(std::min(max_ms, kTickMs)));
    return;
  }
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(std::max(0L, max_ms))) <= 0) return;
  alignas(inotify_event) char buf[4096];
  while (::read(fd_, buf, sizeof buf) > 0) {
  }
}

std::string file_tail(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(std::move(line));
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += l + "\n";
  return global_redactor().apply(out);
}

std::string strip_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

long remaining_ms(std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  return std::max<long>(0, duration_cast<milliseconds>(deadline - steady_clock::now()).count());
}

ReadinessProbe tcp_probe(const std::string& base) {
  return [base](std::chrono::steady_clock::time_point deadline) -> std::optional<std::string> {
    if (tcp_connects(base, std::min<long>(500, remaining_ms(deadline) + 1))) return base;
    return std::nullopt;
  };
}

ReadinessProbe http_probe(const std::string& base, const ReadinessSpec& ready, const TlsOptions& tls) {
  auto http = std::make_shared<HttpClient>(tls);
  return [http, base, url = base + ready.http_path, status = ready.expect_status](
             std::chrono::steady_clock::time_point deadline) -> std::optional<std::string> {
    HttpRequest req;
    req.url = url;
    req.timeout_ms = std::clamp<long>(remaining_ms(deadline), 1, 1000);
    auto res = http->send(req);
    if (res && res->status == status) return base;
    return std::nullopt;
  };
}

}  // namespace tc
