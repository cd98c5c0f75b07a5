// A blocking HTTP client on libcurl: connection reuse, a deadline on every request, TLS verification
// on by default (CA file, client certificate and key for mTLS, insecure only when asked), proxies
// from the usual environment variables, redirects followed only when a request asks (at most 10).
// Only http:// and https:// URLs are fetched, also as redirect targets.
// One client is used by one thread at a time; make one per thread.
#pragma once
#include <memory>
#include <string>

#include "common/headers.h"
#include "common/status.h"

namespace tc {

struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  long timeout_ms = 10000;
  bool follow_redirects = false;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  double elapsed_ms = 0;     // from the start of the transfer to its end
  std::string effective_url;
};

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
  // always sends a body (Content-Length: 0 when empty). Response headers are the final response's.
  Result<HttpResponse> send(const HttpRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc
