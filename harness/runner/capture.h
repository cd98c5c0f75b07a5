// Captures: values taken from a response into variables that later steps of the scenario see
// (json pointer, header, a claim of a JWT — not verified —, a regex group), and the response
// "sources" that captures and the jwt expectation read from.
#pragma once
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/model/scenario.h"
#include "harness/runner/results.h"
#include "harness/template/template.h"

namespace tc {

// The text at `from` in a response: "body" (or empty), "json:/pointer" (a string as is, any other
// value serialised), "header:Name" (the first value, any letter case). An input error says what is
// missing ("no header Location", "no /access_token in the JSON body").
Result<std::string> response_text(const HttpResponse& response, const std::string& from);

// The same, with a leading "Bearer " dropped: a token carried in a body or an Authorization header.
Result<std::string> response_token(const HttpResponse& response, const std::string& from);

// Applies the captures in order, setting each into `into`; an outcome (kind "capture") per capture,
// failed when its source is missing. json captures keep the value's JSON type.
std::vector<Outcome> apply_captures(const std::vector<CaptureSpec>& captures, const HttpResponse& response,
                                    Scope& into);

}  // namespace tc
