// The transcript of one exchange: the request and the response as HTTP text ("> " and "< " lines),
// every redirect hop followed shown in order (its answer, then the request that followed it),
// bodies cut only past kEvidenceLimit, everything passed through tc::global_redactor() — safe to print and report.
#pragma once
#include <string>

#include "common/http_client.h"
#include "harness/runner/results.h"

namespace tc {

std::string format_transcript(const HttpRequest& request, const HttpResponse* response,
                              std::size_t body_limit = kEvidenceLimit);

// The same in two parts, so that the request's can be made while its answer is awaited. Each part is
// redacted alone, which masks what the whole would: the answer's part starts with its status line,
// and no secret the redactor masks goes on from one line into a status line.
struct RequestText {
  std::string text;         // the request's lines, redacted
  std::size_t redacted_at;  // the redactor's generation then (Redactor::generation)
};
RequestText format_request_text(const HttpRequest& request, std::size_t body_limit = kEvidenceLimit);
// The transcript of `request` (its part redacted again when a secret came since) and `response`.
std::string format_transcript(const RequestText& request, const HttpResponse* response,
                              std::size_t body_limit = kEvidenceLimit);

}  // namespace tc
