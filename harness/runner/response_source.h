// Where a value comes from in a response, for captures and expectations alike: the body, a JSON
// pointer into it, a header (its first value, any letter case), a claim of a JWT the response carries
// (decoded, not verified), a regex group in one of those texts, one redirect hop's response, or a
// cookie of the case's jar. A source that is not there is an input error saying what is missing
// ("no header Location", "no /access_token in the JSON body", "no hop 3 (2 responses)").
#pragma once
#include <regex>
#include <string>

#include "common/document.h"
#include "common/http_client.h"
#include "harness/template/template.h"

namespace tc {

// The value at `pointer` in the JSON body, with its JSON type.
Result<json> body_at(const HttpResponse& response, const std::string& pointer);

// The first value of header `name`.
Result<std::string> header_value(const HttpResponse& response, const std::string& name);

// The text at `from`: "body" (or empty), "json:/pointer" (a string as is, any other value
// serialised) or "header:Name".
Result<std::string> response_text(const HttpResponse& response, const std::string& from);

// The profile's values.bearer_scheme as the run's scope holds it (contract.values.bearer_scheme);
// empty when the scope has none.
std::string bearer_scheme(const Scope& scope);

// The token at `from`: its text, or the credential when the text is "<bearer_scheme> <token>" (an
// Authorization-style value, RFC 6750 §2.1; the scheme is the profile's values.bearer_scheme).
Result<std::string> response_token(const HttpResponse& response, const std::string& from,
                                   const std::string& bearer_scheme);

// Claim `name` of the JWT at `from` (response_token).
Result<json> jwt_claim(const HttpResponse& response, const std::string& from, const std::string& bearer_scheme,
                       const std::string& name);

// Response `index` of the exchange's hops (0: the answer to the request as sent) as a response of
// its own: its status and headers, and the body for the final one only (a redirect's is not kept).
Result<HttpResponse> hop_response(const HttpResponse& response, int index);

// The value of cookie `name` that `jar` holds for `host` (CookieJar::for_host; the first of several).
Result<std::string> cookie_value(const CookieJar* jar, const std::string& host, const std::string& name);

// Group 1 of the first match of `pattern` in the text at `from`, else the whole match; from a header,
// in each of its fields in order.
Result<std::string> regex_group(const HttpResponse& response, const std::string& from, const std::regex& pattern);

}  // namespace tc
