#include "common/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <exception>
#include <string_view>
#include <type_traits>

#include "common/headers.h"

namespace tc {
namespace {

// libcurl, opened at its first need (http_global_init, a client's construction) rather than by the
// program loader: with what it links (TLS, HTTP/2, IDN, SSH, Kerberos, LDAP …) opening it costs a
// few milliseconds, which a run spends on its other core while its pack loads, and a stub that
// sends nothing never. libcurl.so.4 is libcurl's ABI name since 7.16. Each function used is named
// once, in this list: `curl_NAME` is the table's NAME.
#define TC_CURL_FUNCTIONS(X)                                                                        \
  X(global_init) X(easy_init) X(easy_cleanup) X(easy_reset) X(easy_setopt) X(easy_getinfo)          \
  X(easy_strerror) X(slist_append) X(slist_free_all) X(url) X(url_set) X(url_get) \
  X(url_cleanup) X(free) X(multi_init) X(multi_cleanup) X(multi_add_handle) X(multi_remove_handle)      \
  X(multi_perform) X(multi_poll) X(multi_info_read)

struct Curl {
#define TC_CURL_FIELD(name) decltype(&curl_##name) name = nullptr;
  TC_CURL_FUNCTIONS(TC_CURL_FIELD)
#undef TC_CURL_FIELD
  std::string error;  // why it could not be opened; empty when every function was found
  bool usable() const { return error.empty(); }
};

// Opened and started (curl_global_init) once per process; never closed, nor destroyed (a
// thread_local client may be destroyed after the statics).
const Curl& curl_library() {
  static const Curl& lib = *new Curl([] {
    Curl c;
    constexpr const char* kName = "libcurl.so.4";
    // Its functions bound at their first call, as the program loader binds a linked library's: its
    // many libraries' relocations all at once cost a start-up a millisecond. The functions used
    // here are looked up below, so a libcurl without one is still told at once.
    void* handle = ::dlopen(kName, RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      c.error = std::string("cannot load ") + kName + (why ? std::string(": ") + why : std::string());
      return c;
    }
    auto find = [&](auto& fn, const char* symbol) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(handle, symbol));
      if (!fn && c.error.empty()) c.error = std::string(kName) + " has no " + symbol;
    };
#define TC_CURL_FIND(name) find(c.name, "curl_" #name);
    TC_CURL_FUNCTIONS(TC_CURL_FIND)
#undef TC_CURL_FIND
    if (c.usable() && c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      c.error = std::string(kName) + ": curl_global_init failed";
    return c;
  }());
  return lib;
}

// A "." or ".." segment in the path of `url` (scheme://authority/path?query#fragment).
bool has_dot_segment(std::string_view url) {
  const auto authority = url.find("://");
  const auto start = url.find('/', authority == std::string_view::npos ? 0 : authority + 3);
  if (start == std::string_view::npos) return false;
  const std::string_view path = url.substr(start, url.find_first_of("?#", start) - start);
  for (std::size_t i = 0; i < path.size();) {
    const std::size_t end = std::min(path.find('/', i + 1), path.size());
    const std::string_view segment = path.substr(i + 1, end - i - 1);
    if (segment == "." || segment == "..") return true;
    i = end;
  }
  return false;
}

bool is_ip_address(const std::string& text) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

struct Collected {
  CURL* easy = nullptr;
  std::vector<HttpHop> hops;
  std::string body;
};

// Called once per header line of every response (interim 1xx and redirects included); a status
// line starts a new response, with the method and URL libcurl is requesting at that moment.
size_t on_header(char* data, size_t size, size_t nitems, void* user) {
  auto* out = static_cast<Collected*>(user);
  size_t len = size * nitems;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    HttpHop hop;
    auto sp = line.find(' ');
    if (sp != std::string_view::npos) hop.status = std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    char* url = nullptr;
    char* method = nullptr;
    const Curl& api = curl_library();
    api.easy_getinfo(out->easy, CURLINFO_EFFECTIVE_URL, &url);
    api.easy_getinfo(out->easy, CURLINFO_EFFECTIVE_METHOD, &method);
    hop.url = url ? url : "";
    hop.method = method ? method : "";
    if (!out->hops.empty() && out->hops.back().status < 200) out->hops.pop_back();  // interim 1xx
    out->hops.push_back(std::move(hop));
    out->body.clear();
    return len;
  }
  if (out->hops.empty()) return len;
  Headers& headers = out->hops.back().headers;
  std::string text = trim(line);
  if (text.empty()) return len;
  if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
    // obs-fold continuation (RFC 9112 §5.2): part of the previous value.
    auto entries = headers.entries();
    Headers rebuilt;
    for (std::size_t i = 0; i + 1 < entries.size(); ++i) rebuilt.add(entries[i].first, entries[i].second);
    rebuilt.add(entries.back().first, entries.back().second + " " + text);
    headers = std::move(rebuilt);
    return len;
  }
  auto colon = text.find(':');
  if (colon == std::string::npos) return len;
  headers.add(text.substr(0, colon), trim(std::string_view(text).substr(colon + 1)));
  return len;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  static_cast<Collected*>(user)->body.append(data, size * nmemb);
  return size * nmemb;
}

// Only http and https: a URL of any other scheme (file://, ftp://, gopher://, …) would read local
// files or reach other services in the runner's name, and a redirect may not switch to one either.
bool allowed_scheme(std::string_view url) {
  return iequals(url.substr(0, 7), "http://") || iequals(url.substr(0, 8), "https://");
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_library().slist_free_all(l); }
};

struct UrlFree {
  void operator()(CURLU* u) const { curl_library().url_cleanup(u); }
};

// "HOST::TO_HOST:TO_PORT" for CURLOPT_CONNECT_TO (any port of HOST), or empty when `to` is no URL.
std::string connect_to(const HostRoute& route) {
  auto to = url_host_port(route.to);
  return to ? route.host + "::" + to->host + ":" + to->port : "";
}

// The jar's cookies into a fresh engine (store_cookies switched the last one off): a request
// without a jar runs with none.
void load_cookies(CURL* h, const CookieJar* jar) {
  if (!jar) return;
  const Curl& api = curl_library();
  api.easy_setopt(h, CURLOPT_COOKIEFILE, "");
  for (const auto& line : jar->lines()) api.easy_setopt(h, CURLOPT_COOKIELIST, line.c_str());
}

// The engine's cookies back into the jar, every hop's included; the engine is then switched off
// (CURLOPT_COOKIEFILE NULL, libcurl 7.77+), which also frees the list CURLOPT_COOKIEFILE "" made:
// curl_easy_reset would drop that list without freeing it.
void store_cookies(CURL* h, CookieJar* jar) {
  const Curl& api = curl_library();
  if (jar) {
    curl_slist* list = nullptr;
    api.easy_getinfo(h, CURLINFO_COOKIELIST, &list);
    std::unique_ptr<curl_slist, SlistFree> owned(list);
    std::vector<std::string> lines;
    for (curl_slist* l = list; l; l = l->next) lines.emplace_back(l->data);
    jar->replace(std::move(lines));
  }
  api.easy_setopt(h, CURLOPT_COOKIEFILE, static_cast<char*>(nullptr));
}

}  // namespace

std::optional<HostPort> url_host_port(const std::string& url) {
  const Curl& api = curl_library();
  if (!api.usable()) return std::nullopt;  // a client's first request says why
  std::unique_ptr<CURLU, UrlFree> u(api.url());
  if (!u || api.url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  char* host = nullptr;
  char* port = nullptr;
  std::optional<HostPort> out;
  if (api.url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      api.url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
    out = HostPort{to_lower(host), port};
  api.free(host);
  api.free(port);
  return out;
}

std::string url_host(const std::string& url) {
  auto hp = url_host_port(url);
  return hp ? hp->host : "";
}

struct HttpClient::Impl {
  TlsOptions tls;
  CURL* easy = nullptr;
  CURLM* multi = nullptr;  // drives `easy`, and keeps its connections
};

namespace {
// libcurl's error for a multi handle's: its code says why in the caller's message.
CURLcode easy_code(CURLMcode mc) {
  switch (mc) {
    case CURLM_OUT_OF_MEMORY: return CURLE_OUT_OF_MEMORY;
    case CURLM_BAD_HANDLE:
    case CURLM_BAD_EASY_HANDLE: return CURLE_BAD_FUNCTION_ARGUMENT;
    default: return CURLE_FAILED_INIT;
  }
}

// `h` transferred on `multi` as curl_easy_perform would (it drives a multi handle of its own the same
// way), with `while_waiting` run once when the whole request has gone out (`body_size` bytes of body
// after its head) and before its answer is read; not when the exchange ends first. What it throws
// is kept in `thrown` while the exchange goes on to its end (the jar is updated after it as always).
CURLcode perform(const Curl& api, CURLM* multi, CURL* h, std::size_t body_size, const std::function<void()>& while_waiting,
                 std::exception_ptr& thrown) {
  if (CURLMcode mc = api.multi_add_handle(multi, h); mc != CURLM_OK) return easy_code(mc);
  struct Detach {
    const Curl& api;
    CURLM* multi;
    CURL* h;
    ~Detach() { api.multi_remove_handle(multi, h); }
  } detach{api, multi, h};
  bool waited = !while_waiting;
  for (int running = 1;;) {
    if (CURLMcode mc = api.multi_perform(multi, &running); mc != CURLM_OK) return easy_code(mc);
    if (running == 0) break;
    long head = 0;        // the request's head written: none while the connection is being made
    curl_off_t body = 0;  // and how much of its body
    if (!waited && api.easy_getinfo(h, CURLINFO_REQUEST_SIZE, &head) == CURLE_OK && head > 0 &&
        api.easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &body) == CURLE_OK && static_cast<std::size_t>(body) >= body_size) {
      waited = true;
      try {
        while_waiting();  // an answer that came meanwhile ends the poll below at once
      } catch (...) {
        thrown = std::current_exception();
      }
    }
    // libcurl's own timeouts (CURLOPT_TIMEOUT_MS) are checked at every perform; a poll wakes at
    // least once a second for them, as curl_easy_perform's does.
    if (CURLMcode mc = api.multi_poll(multi, nullptr, 0, 1000, nullptr); mc != CURLM_OK) return easy_code(mc);
  }
  CURLcode rc = CURLE_FAILED_INIT;
  int left = 0;
  while (CURLMsg* m = api.multi_info_read(multi, &left))
    if (m->msg == CURLMSG_DONE && m->easy_handle == h) rc = m->data.result;
  return rc;
}
}  // namespace

Result<Unit> http_global_init() {
  const Curl& api = curl_library();
  if (!api.usable()) return environment_error("", api.error);
  return Unit{};
}

HttpClient::HttpClient(TlsOptions tls) : impl_(std::make_unique<Impl>()) {
  const Curl& api = curl_library();
  impl_->tls = std::move(tls);
  if (!api.usable()) return;
  impl_->easy = api.easy_init();
  impl_->multi = api.multi_init();
}

HttpClient::~HttpClient() {
  if (!impl_) return;
  if (impl_->easy) curl_library().easy_cleanup(impl_->easy);
  if (impl_->multi) curl_library().multi_cleanup(impl_->multi);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request, const std::function<void()>& while_waiting) {
  const std::string what = request.method + " " + request.url;
  const Curl& api = curl_library();
  CURL* h = impl_->easy;
  if (!h || !impl_->multi)
    return environment_error("", what + ": " + (api.usable() ? "cannot create a libcurl handle" : api.error));
  if (!allowed_scheme(request.url))
    return environment_error("", what + ": unsupported URL scheme (only http:// and https:// are allowed)");
  // Reset clears the previous request's options but keeps the connection cache (keep-alive).
  api.easy_reset(h);

  char errbuf[CURL_ERROR_SIZE] = {0};
  Collected got;
  got.easy = h;
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  // The path as written, dot segments included: how a platform treats them may be what is tested.
  // A redirect's Location is resolved as a browser does (RFC 3986 §5.2), unless the request's own
  // path has dot segments to keep (libcurl keeps them on every hop or none).
  api.easy_setopt(h, CURLOPT_PATH_AS_IS, !request.follow_redirects || has_dot_segment(request.url) ? 1L : 0L);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.timeout_ms);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  if (!request.source_address.empty()) {
    if (!is_ip_address(request.source_address))
      return environment_error("", what + ": source address '" + request.source_address + "' is not an IP address");
    const std::string local = "host!" + request.source_address;
    api.easy_setopt(h, CURLOPT_INTERFACE, local.c_str());
    // A connection is the caller it came from: never one of another source's, and never kept for
    // a later request that names no source (it would arrive as the trusted proxy).
    api.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    api.easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  }
  api.easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(kMaxRedirects));
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(h, CURLOPT_HEADERDATA, &got);
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &got);

  const TlsOptions& tls = impl_->tls;
  if (!tls.ca_file.empty()) api.easy_setopt(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) api.easy_setopt(h, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) api.easy_setopt(h, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (tls.insecure) {
    api.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    api.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  if (request.method == "HEAD") {
    api.easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method != "POST") {
    // A POST is libcurl's own (POSTFIELDS below), so that a redirect turns it into a GET as in a
    // browser; a custom method would be kept on every hop.
    api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  // A POST always carries a body (possibly empty, so Content-Length: 0); other methods only when given.
  if (!request.body.empty() || request.method == "POST") {
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    api.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }

  // The caller's headers exactly; libcurl's own additions that the caller did not ask for are
  // suppressed ("Name:" removes a header, "Name;" sends one with an empty value).
  // RFC 6265 §5.4: one Cookie field. libcurl writes the jar's cookies in a field of its own, so the
  // caller's cookies join them there (CURLOPT_COOKIE) — on a request that follows no redirect, as
  // that option goes to every host a redirect reaches, where a written Cookie header does not.
  const bool one_cookie_field = request.cookies && !request.follow_redirects;
  std::string own_cookies;
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : request.headers.entries()) {
    if (one_cookie_field && iequals(name, "Cookie")) {
      if (!value.empty()) own_cookies += (own_cookies.empty() ? "" : "; ") + value;
      continue;
    }
    raw = api.slist_append(raw, (value.empty() ? name + ";" : name + ": " + value).c_str());
  }
  if (!own_cookies.empty()) api.easy_setopt(h, CURLOPT_COOKIE, own_cookies.c_str());
  if (!request.headers.has("Expect")) raw = api.slist_append(raw, "Expect:");
  if (!request.headers.has("Content-Type")) raw = api.slist_append(raw, "Content-Type:");
  std::unique_ptr<curl_slist, SlistFree> list(raw);
  api.easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

  std::vector<std::string> entries;
  for (const auto& route : request.hosts) {
    entries.push_back(connect_to(route));
    if (entries.back().empty())
      return input_error({}, what + ": host " + route.host + " is routed to '" + route.to + "', which is not a URL");
  }
  curl_slist* routes = nullptr;
  for (const auto& entry : entries) routes = api.slist_append(routes, entry.c_str());
  std::unique_ptr<curl_slist, SlistFree> route_list(routes);
  if (routes) api.easy_setopt(h, CURLOPT_CONNECT_TO, routes);

  load_cookies(h, request.cookies);
  std::exception_ptr thrown;
  CURLcode rc = perform(api, impl_->multi, h, request.body.size(), while_waiting, thrown);
  store_cookies(h, request.cookies);
  if (thrown) std::rethrow_exception(thrown);
  if (rc != CURLE_OK) {
    std::string message = errbuf[0] ? std::string(errbuf) : std::string(api.easy_strerror(rc));
    char* last = nullptr;
    api.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &last);
    if (rc == CURLE_TOO_MANY_REDIRECTS)
      message = "redirected more than " + std::to_string(kMaxRedirects) + " times (a redirect loop?), last to " +
                (last ? last : "?");
    else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
      message = "redirected to an unsupported URL scheme (only http:// and https:// are allowed): " + message;
    return environment_error("", what + ": " + message);
  }

  HttpResponse response;
  long status = 0;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  curl_off_t total_us = 0;
  api.easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
  response.elapsed_ms = static_cast<double>(total_us) / 1000.0;
  char* effective = nullptr;
  api.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  response.effective_url = effective ? effective : request.url;
  if (!got.hops.empty()) response.headers = got.hops.back().headers;
  response.hops = std::move(got.hops);
  response.body = std::move(got.body);
  return response;
}

const nlohmann::json& HttpResponse::body_json() const {
  if (!body_json_cache) body_json_cache = std::make_shared<const nlohmann::json>(nlohmann::json::parse(body, nullptr, false));
  return *body_json_cache;
}

}  // namespace tc
