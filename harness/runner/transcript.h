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

}  // namespace tc
