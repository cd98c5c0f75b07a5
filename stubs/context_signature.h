// The context signature a gateway puts on every forwarded request and a backend checks (B1, G5):
// header value "t=<unix seconds>,v1=<lower-case hex HMAC-SHA256>" over
//   METHOD \n PATH \n TENANT \n ACTOR \n CORRELATION_ID \n t
// keyed with the secret the gateway shares with its backends. PATH is the request target up to '?'
// exactly as sent on the wire; TENANT is the canonical tenant header value (empty when none), ACTOR
// the actor header value, CORRELATION_ID the X-Correlation-Id header value (each empty when absent).
#pragma once
#include <string>
#include <string_view>

namespace tc::stub {

struct SignedContext {
  std::string method, path, tenant, actor, correlation_id;
};

// The header value for `context` signed at unix time `t`.
std::string sign_context(std::string_view secret, const SignedContext& context, long long t);

enum class SignatureCheck { ok, missing, malformed, mismatch, stale };

// Checks a received header value (empty: missing). The MAC is compared in constant time; with
// `check_freshness`, |now - t| must be at most `skew_seconds`.
SignatureCheck verify_context(std::string_view secret, const SignedContext& context, std::string_view header,
                              long long now, long long skew_seconds, bool check_freshness = true);

// "missing", "malformed", … for error descriptions.
const char* describe(SignatureCheck check);

}  // namespace tc::stub
