// A browser's cookie jar as plain data, kept by libcurl's cookie engine (RFC 6265 as libcurl
// implements it: host-only cookies and Domain cookies for the domain and its subdomains — never for a
// public suffix —, Path, Expires and Max-Age — a cookie set to expire is removed —, Secure cookies
// kept and sent only over https or to localhost, which browsers and libcurl count as secure).
// HttpClient::send loads a request's jar into the engine before the exchange and stores the engine's
// jar back after it, every redirect hop included; nothing else writes one. One jar per browser
// session: the runner keeps one per scenario case.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tc {

struct Cookie {
  std::string domain;      // without a leading dot
  bool host_only = true;   // false: also sent to subdomains of `domain` (the cookie had a Domain)
  std::string path;
  bool secure = false;
  bool http_only = false;
  std::int64_t expires = 0;  // unix seconds; 0 for a session cookie
  std::string name, value;
};

class CookieJar {
 public:
  // The engine's own lines (Netscape cookie-file format), as HttpClient::send exchanges them.
  const std::vector<std::string>& lines() const { return lines_; }
  void replace(std::vector<std::string> lines) { lines_ = std::move(lines); }
  bool empty() const { return lines_.empty(); }

  // The cookies not yet expired.
  std::vector<Cookie> cookies() const;
  // The cookies a request to `host` may carry, whatever its path and scheme: host-only cookies of
  // exactly that host, Domain cookies of the host or a parent domain of it. Names compare exactly;
  // the host in any letter case.
  std::vector<Cookie> for_host(std::string_view host) const;

 private:
  std::vector<std::string> lines_;
};

// Registers the value of a Set-Cookie header ("name=value; Attr…") as a secret of the run
// (common/redact.h) when it looks like a credential: an HttpOnly cookie, or a value of 8 characters
// or more (session ids, tokens, OAuth state). Short flags such as "1" or "dark" stay readable.
void register_cookie_secret(std::string_view set_cookie);

}  // namespace tc
