#include "harness/runner/transcript.h"

#include "common/encoding.h"
#include "common/redact.h"

namespace tc {

namespace {
void append_body(std::string& out, const std::string& prefix, const std::string& body, std::size_t limit) {
  if (body.empty()) return;
  out += prefix + "\n";
  std::string shown = body.size() > limit ? body.substr(0, limit) : body;
  std::size_t start = 0;
  while (start <= shown.size()) {
    auto end = shown.find('\n', start);
    if (end == std::string::npos) end = shown.size();
    out += prefix + " " + shown.substr(start, end - start) + "\n";
    start = end + 1;
  }
  if (body.size() > limit) out += prefix + " … (" + std::to_string(body.size() - limit) + " more bytes)\n";
}
}  // namespace

std::string format_transcript(const HttpRequest& request, const HttpResponse* response, std::size_t body_limit) {
  std::string out = "> " + request.method + " " + request.url + " HTTP/1.1\n";
  for (const auto& [n, v] : request.headers.entries()) out += "> " + n + ": " + v + "\n";
  append_body(out, ">", request.body, body_limit);
  if (response) {
    // The redirects followed, each answer then the request that followed it (the same headers, and
    // the jar's cookies for its host).
    const auto& hops = response->hops;
    for (std::size_t i = 0; i + 1 < hops.size(); ++i) {
      out += "< HTTP/1.1 " + std::to_string(hops[i].status) + "  (hop " + std::to_string(i) + ")\n";
      for (const auto& [n, v] : hops[i].headers.entries()) out += "< " + n + ": " + v + "\n";
      out += "> " + hops[i + 1].method + " " + hops[i + 1].url + " HTTP/1.1  (followed)\n";
    }
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", response->elapsed_ms);
    out += "< HTTP/1.1 " + std::to_string(response->status) + "  (" + elapsed + " ms)\n";
    for (const auto& [n, v] : response->headers.entries()) out += "< " + n + ": " + v + "\n";
    append_body(out, "<", response->body, body_limit);
  } else {
    out += "< (no response)\n";
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return global_redactor().apply(escape_non_utf8(out));  // bytes that are not UTF-8 shown as \xNN
}

}  // namespace tc
