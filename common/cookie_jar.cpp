#include "common/cookie_jar.h"

#include <cstdlib>
#include <ctime>

#include "common/headers.h"
#include "common/redact.h"

namespace tc {

namespace {
constexpr std::string_view kHttpOnlyPrefix = "#HttpOnly_";

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    out.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

// Whether `host` is `domain` or a subdomain of it.
bool domain_matches(const std::string& host, const std::string& domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         host[host.size() - domain.size() - 1] == '.';
}
}  // namespace

std::vector<Cookie> CookieJar::cookies() const {
  const std::int64_t now = std::time(nullptr);
  std::vector<Cookie> out;
  for (std::string_view line : lines_) {
    Cookie c;
    if (line.rfind(kHttpOnlyPrefix, 0) == 0) {
      c.http_only = true;
      line.remove_prefix(kHttpOnlyPrefix.size());
    } else if (line.empty() || line[0] == '#') {
      continue;
    }
    auto f = split_tabs(line);
    if (f.size() < 7) continue;
    c.domain = to_lower(f[0]);
    if (!c.domain.empty() && c.domain[0] == '.') c.domain.erase(0, 1);
    c.host_only = f[1] != "TRUE";
    c.path = f[2];
    c.secure = f[3] == "TRUE";
    c.expires = std::strtoll(f[4].c_str(), nullptr, 10);
    c.name = f[5];
    c.value = f[6];
    // The engine lists a cookie set to expire (Max-Age=0) until it cleans up; a browser has none.
    if (c.expires != 0 && c.expires <= now) continue;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Cookie> CookieJar::for_host(std::string_view host) const {
  const std::string h = to_lower(host);
  std::vector<Cookie> out;
  for (auto& c : cookies())
    if (c.host_only ? c.domain == h : domain_matches(h, c.domain)) out.push_back(std::move(c));
  return out;
}

void register_cookie_secret(std::string_view set_cookie) {
  const auto semi = set_cookie.find(';');
  const std::string pair = trim(set_cookie.substr(0, semi));
  const auto eq = pair.find('=');
  if (eq == std::string::npos) return;
  std::string value = trim(std::string_view(pair).substr(eq + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  const bool http_only = semi != std::string_view::npos &&
                         to_lower(set_cookie.substr(semi)).find("httponly") != std::string::npos;
  if (http_only || value.size() >= 8) global_redactor().add_secret(value);
}

}  // namespace tc
