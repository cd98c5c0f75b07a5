#include "stubs/gateway/forward.h"

#include "stubs/context_signature.h"

namespace tc::stub::gateway {

std::string upstream_path(const Route& route, const PathParams& params) {
  return fill_path(route.upstream.empty() ? route.path : route.upstream, params);
}

HttpRequest upstream_request(Upstream up, const ContractProfile& profile, const ForwardOptions& options) {
  HttpRequest r;
  r.method = up.method;
  std::string base = up.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  r.url = base + up.path + (up.query.empty() ? "" : "?" + up.query);
  r.body = std::move(up.body);
  r.timeout_ms = 10000;
  r.headers = std::move(up.headers);
  if (up.tenant) {
    auto set_tenant = [&](const std::string& name) {
      if (options.keep_caller_tenant && r.headers.has(name)) return;
      r.headers.add(name, *up.tenant);
    };
    set_tenant(profile.header("tenant"));
    if (!options.skip_alias_rewrite)
      for (const auto& alias : profile.header_list("tenant_aliases")) set_tenant(alias);
  }
  r.headers.add(profile.header("actor"), up.actor);
  r.headers.add(profile.header("correlation_id"), up.correlation_id);
  if (!options.unsigned_forward)
    r.headers.add(profile.header("context_signature"),
                  sign_context(options.shared_secret,
                               SignedContext{up.method, up.path, up.tenant.value_or(""), up.actor, up.correlation_id},
                               options.now));
  return r;
}

Result<HttpResponse> send_upstream(const HttpRequest& request) {
  thread_local HttpClient client;
  return client.send(request);
}

}  // namespace tc::stub::gateway
