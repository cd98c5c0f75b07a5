// Captures: values taken from a response into variables that later steps of the scenario see
// (json pointer, header, a claim of a JWT — not verified —, a regex group — of the final response or
// of one redirect hop —, a cookie of the case's jar), each read through harness/runner/response_source.h.
#pragma once
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/model/scenario.h"
#include "harness/runner/results.h"
#include "harness/template/template.h"

namespace tc {

// Applies the captures in order, setting each into `into`; an outcome (kind "capture") per capture,
// failed when its source is missing. json captures keep the value's JSON type. A Bearer token is
// recognised by the profile's values.bearer_scheme (contract.values.bearer_scheme in `into`). A
// cookie capture reads `jar` (none: no cookie is there), by default for the host of the final URL.
std::vector<Outcome> apply_captures(const std::vector<CaptureSpec>& captures, const HttpResponse& response,
                                    Scope& into, const CookieJar* jar = nullptr);

}  // namespace tc
