// G5: the request a backend receives and the call that sends it. The caller's headers left by G2,
// then the canonical tenant header and every alias = the resolved tenant (none without a tenant),
// the actor header = sub, the correlation id, and the context signature
//   "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, METHOD\nPATH\nTENANT\nACTOR\nCORRELATION_ID\nt)>"
// where PATH is the upstream path without query and TENANT is "" when there is none.
#pragma once
#include <optional>
#include <string>

#include "common/fixtures.h"
#include "common/headers.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "common/status.h"
#include "stubs/route_table.h"

namespace tc::stub::gateway {

struct Upstream {
  std::string method;
  std::string base_url;                  // the backend's base URL (no trailing slash needed)
  std::string path;                      // upstream path, no query
  std::string query;                     // the caller's query, without '?', may be empty
  Headers headers;                       // the caller's headers after G2
  std::string body;
  std::optional<std::string> tenant;     // resolved tenant
  std::string actor;                     // the token's sub
  std::string correlation_id;
};

// Faults that break G5 on purpose (stubs/faults.cpp); all off is the contract.
struct ForwardOptions {
  std::string shared_secret;
  long long now = 0;                     // unix seconds for the signature
  bool skip_alias_rewrite = false;       // aliases not set
  bool unsigned_forward = false;         // no context signature
  bool keep_caller_tenant = false;       // a tenant header the caller sent is left as sent
};

// The backend path of a matched route: its `upstream` template (the route's own path when empty)
// with {name} segments replaced by the request's values (percent-encoded).
std::string upstream_path(const Route& route, const PathParams& params);

// The request the backend receives (deadline 10 s).
HttpRequest upstream_request(Upstream up, const ContractProfile& profile, const ForwardOptions& options);

// Sends with this thread's own client (one per worker thread, reused across requests).
Result<HttpResponse> send_upstream(const HttpRequest& request);

}  // namespace tc::stub::gateway
