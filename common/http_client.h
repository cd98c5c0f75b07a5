// A blocking HTTP client on libcurl: connection reuse, a deadline on every request, TLS verification
// on by default (CA file, client certificate and key for mTLS, insecure only when asked), proxies
// from the usual environment variables, redirects followed only when a request asks (at most 10; a
// POST answered 301, 302 or 303 goes on as a GET, as browsers do). Only http:// and https:// URLs
// are fetched, also as redirect targets. A request may carry a cookie jar (common/cookie_jar.h) and
// route host names to other addresses without DNS, so that it behaves as a browser on a tenant host.
// One client is used by one thread at a time; make one per thread.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/cookie_jar.h"
#include "common/headers.h"
#include "common/status.h"

namespace tc {

struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
};

// A host name reached at another address (libcurl's CURLOPT_CONNECT_TO): any URL of the exchange
// naming `host`, on any port, redirect targets included, connects to the host and port of the base
// URL `to` instead. The URL, the Host header, TLS name checks and the cookie jar keep `host`.
struct HostRoute {
  std::string host;
  std::string to;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  long timeout_ms = 10000;
  bool follow_redirects = false;
  std::vector<HostRoute> hosts;
  // The local IP address the connection is made from ("" the system's choice): a caller on another
  // address of this machine, such as a trusted proxy on 127.0.0.2 (CURLOPT_INTERFACE "host!").
  std::string source_address;
  // Read and updated by the exchange, every hop (also when it fails midway); none: no cookies.
  CookieJar* cookies = nullptr;
};

// One response of an exchange: a redirect followed, or the final answer.
struct HttpHop {
  std::string method, url;  // the request it answers
  int status = 0;
  Headers headers;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  double elapsed_ms = 0;     // from the start of the transfer to its end
  std::string effective_url;
  std::vector<HttpHop> hops;  // every response in order (interim 1xx left out), the final one last

  // The body as JSON, parsed at the first call and kept (a discarded value when it is not JSON).
  // Every reader of one response shares the parse; a response's body is not changed once read.
  const nlohmann::json& body_json() const;
  mutable std::shared_ptr<const nlohmann::json> body_json_cache;  // body_json's; not to be read
};

// The most redirects a request that follows them takes (a redirect loop is an error past it).
constexpr int kMaxRedirects = 10;

struct HostPort {
  std::string host;  // lower case; an IPv6 address in brackets
  std::string port;  // the scheme's default when the URL names none
};
// The host and port `url` connects to; nullopt when it is not a URL (or libcurl cannot be opened).
std::optional<HostPort> url_host_port(const std::string& url);
// Its host alone; empty when it is not a URL (or libcurl cannot be opened).
std::string url_host(const std::string& url);

// libcurl opened (the program does not link it: its libraries cost milliseconds to load) and
// started with OpenSSL, once per process: a client's construction does it, or a program ahead of
// its first client (off its critical path). An environment error saying why when it cannot be
// opened; every client's request then answers with that error.
Result<Unit> http_global_init();

class HttpClient {
 public:
  explicit HttpClient(TlsOptions tls = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // An environment error (component empty; the caller adds it) when the server cannot be reached,
  // TLS fails, the deadline passes, the URL or a redirect has another scheme, or redirects loop, with
  // the message "METHOD URL: <reason>" (the reason says which); any HTTP status is a
  // response, not an error. The request's headers are sent as given (an empty value is sent empty);
  // libcurl adds no Content-Type and no "Expect: 100-continue" unless the caller sets them. A POST
  // always sends a body (Content-Length: 0 when empty). Response headers and body are the final response's.
  // `while_waiting`, when given, runs once while the answer is awaited (once the whole request has
  // gone out; not when the exchange ends first): work that does not need the answer. It must not
  // send on this client. An answer that came meanwhile is read after it, and its elapsed_ms counts
  // up to then. What it throws is thrown again once the exchange has ended (the jar updated).
  Result<HttpResponse> send(const HttpRequest& request, const std::function<void()>& while_waiting = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc
