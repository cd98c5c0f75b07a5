#include "harness/runner/transcript.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"
#include "common/redact.h"

namespace tc {

namespace {
// Appends each piece to `out`.
template <class... Pieces>
void append_all(std::string& out, const Pieces&... pieces) {
  (out.append(pieces), ...);
}

void append_headers(std::string& out, std::string_view prefix, const Headers& headers) {
  for (const auto& [n, v] : headers.entries()) append_all(out, prefix, n, ": ", v, "\n");
}

void append_body(std::string& out, std::string_view prefix, const std::string& body, std::size_t limit) {
  if (body.empty()) return;
  append_all(out, prefix, "\n");
  const std::string_view shown = std::string_view(body).substr(0, limit);
  std::size_t start = 0;
  while (start <= shown.size()) {
    auto end = shown.find('\n', start);
    if (end == std::string_view::npos) end = shown.size();
    append_all(out, prefix, " ", shown.substr(start, end - start), "\n");
    start = end + 1;
  }
  if (body.size() > limit) append_all(out, prefix, " … (", std::to_string(body.size() - limit), " more bytes)\n");
}

// `text` with bytes that are not UTF-8 shown as \xNN (most texts have none: no copy), redacted.
std::string shown_redacted(std::string text) {
  if (!is_utf8(text)) text = escape_non_utf8(text);
  return global_redactor().apply(text);
}
}  // namespace

RequestText format_request_text(const HttpRequest& request, std::size_t body_limit) {
  std::string out;
  out.reserve(256 + std::min(request.body.size(), body_limit));  // what is shown of the body
  append_all(out, "> ", request.method, " ", request.url, " HTTP/1.1\n");
  append_headers(out, "> ", request.headers);
  append_body(out, ">", request.body, body_limit);
  const std::size_t generation = global_redactor().generation();
  return {shown_redacted(std::move(out)), generation};
}

std::string format_transcript(const RequestText& request, const HttpResponse* response, std::size_t body_limit) {
  std::string out;
  out.reserve(256 + (response ? std::min(response->body.size(), body_limit) : 0));  // what is shown of the body
  if (response) {
    // The redirects followed, each answer then the request that followed it (the same headers, and
    // the jar's cookies for its host).
    const auto& hops = response->hops;
    for (std::size_t i = 0; i + 1 < hops.size(); ++i) {
      append_all(out, "< HTTP/1.1 ", std::to_string(hops[i].status), "  (hop ", std::to_string(i), ")\n");
      append_headers(out, "< ", hops[i].headers);
      append_all(out, "> ", hops[i + 1].method, " ", hops[i + 1].url, " HTTP/1.1  (followed)\n");
    }
    char elapsed[320];  // "%.1f" in the C locale, whatever the process's; room for any double, so it never fails
    const char* end = std::to_chars(elapsed, elapsed + sizeof elapsed, response->elapsed_ms, std::chars_format::fixed, 1).ptr;
    append_all(out, "< HTTP/1.1 ", std::to_string(response->status), "  (", std::string_view(elapsed, end - elapsed), " ms)\n");
    append_headers(out, "< ", response->headers);
    append_body(out, "<", response->body, body_limit);
  } else {
    out += "< (no response)\n";
  }
  out.pop_back();  // the last line's end
  const std::size_t generation = global_redactor().generation();
  std::string text = request.redacted_at == generation ? request.text : global_redactor().apply(request.text);
  text += shown_redacted(std::move(out));
  return text;
}

std::string format_transcript(const HttpRequest& request, const HttpResponse* response, std::size_t body_limit) {
  return format_transcript(format_request_text(request, body_limit), response, body_limit);
}

}  // namespace tc
