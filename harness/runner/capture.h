// Captures: values taken from a response into variables that later steps of the scenario see
// (json pointer, header, a claim of a JWT — not verified —, a regex group), each read through
// harness/runner/response_source.h.
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
// recognised by the profile's values.bearer_scheme (contract.values.bearer_scheme in `into`).
std::vector<Outcome> apply_captures(const std::vector<CaptureSpec>& captures, const HttpResponse& response,
                                    Scope& into);

}  // namespace tc
