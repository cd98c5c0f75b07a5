#include "common/http_client.h"

#include <curl/curl.h>

#include <mutex>
#include <string_view>

#include "common/headers.h"

namespace tc {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Collected {
  Headers headers;
  std::string body;
};

// Called once per header line of every response (interim 1xx and redirects included); a status
// line starts a new response, so only the final response's headers remain.
size_t on_header(char* data, size_t size, size_t nitems, void* user) {
  auto* out = static_cast<Collected*>(user);
  size_t len = size * nitems;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    out->headers = Headers();
    return len;
  }
  std::string text = trim(line);
  if (text.empty()) return len;
  if ((line[0] == ' ' || line[0] == '\t') && !out->headers.empty()) {
    // obs-fold continuation (RFC 9112 §5.2): part of the previous value.
    auto entries = out->headers.entries();
    Headers rebuilt;
    for (std::size_t i = 0; i + 1 < entries.size(); ++i) rebuilt.add(entries[i].first, entries[i].second);
    rebuilt.add(entries.back().first, entries.back().second + " " + text);
    out->headers = std::move(rebuilt);
    return len;
  }
  auto colon = text.find(':');
  if (colon == std::string::npos) return len;
  out->headers.add(text.substr(0, colon), trim(std::string_view(text).substr(colon + 1)));
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

constexpr long kMaxRedirects = 10;

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

struct HttpClient::Impl {
  TlsOptions tls;
  CURL* easy = nullptr;
};

HttpClient::HttpClient(TlsOptions tls) : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->tls = std::move(tls);
  impl_->easy = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (impl_ && impl_->easy) curl_easy_cleanup(impl_->easy);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  const std::string what = request.method + " " + request.url;
  CURL* h = impl_->easy;
  if (!h) return environment_error("", what + ": cannot create a libcurl handle");
  if (!allowed_scheme(request.url))
    return environment_error("", what + ": unsupported URL scheme (only http:// and https:// are allowed)");
  // Reset clears the previous request's options but keeps the connection cache (keep-alive).
  curl_easy_reset(h);

  char errbuf[CURL_ERROR_SIZE] = {0};
  Collected got;
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &got);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);

  const TlsOptions& tls = impl_->tls;
  if (!tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (tls.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  // A POST always carries a body (possibly empty, so Content-Length: 0); other methods only when given.
  if (!request.body.empty() || request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }

  // The caller's headers exactly; libcurl's own additions that the caller did not ask for are
  // suppressed ("Name:" removes a header, "Name;" sends one with an empty value).
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : request.headers.entries())
    raw = curl_slist_append(raw, (value.empty() ? name + ";" : name + ": " + value).c_str());
  if (!request.headers.has("Expect")) raw = curl_slist_append(raw, "Expect:");
  if (!request.headers.has("Content-Type")) raw = curl_slist_append(raw, "Content-Type:");
  std::unique_ptr<curl_slist, SlistFree> list(raw);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string message = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    char* last = nullptr;
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &last);
    if (rc == CURLE_TOO_MANY_REDIRECTS)
      message = "redirected more than " + std::to_string(kMaxRedirects) + " times (a redirect loop?), last to " +
                (last ? last : "?");
    else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
      message = "redirected to an unsupported URL scheme (only http:// and https:// are allowed): " + message;
    return environment_error("", what + ": " + message);
  }

  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  curl_off_t total_us = 0;
  curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
  response.elapsed_ms = static_cast<double>(total_us) / 1000.0;
  char* effective = nullptr;
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  response.effective_url = effective ? effective : request.url;
  response.headers = std::move(got.headers);
  response.body = std::move(got.body);
  return response;
}

}  // namespace tc
