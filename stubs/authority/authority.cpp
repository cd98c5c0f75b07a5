// make_authority: routes requests by the profile's paths (a table, so a new endpoint is one row).
// Test-only endpoints (A10) answer 404 not_found unless the topology enables minting.
#include "stubs/authority/authority.h"

#include "common/headers.h"
#include "stubs/envelope.h"

namespace tc::stub {

namespace authority {

Authority::Authority(StubContext& context) : ctx(context), keys(context.options.signing_key_pem) {
  issuer = ctx.base_url;
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  audience = ctx.options.audience.empty() ? ctx.profile.value("default_audience") : ctx.options.audience;
}

namespace {

struct Route {
  const char* path_key;  // paths.<key>
  const char* method;
  Response (*handler)(Authority&, const Call&);
  bool test_only;
};

const Route kRoutes[] = {
    {"discovery", "GET", handle_discovery, false},
    {"jwks", "GET", handle_jwks, false},
    {"authorize", "GET", handle_authorize, false},
    {"token", "POST", handle_token, false},
    {"console_tenants", "GET", handle_console_tenants, false},
    {"console_profile", "GET", handle_console_profile, false},
    {"introspect", "POST", handle_introspect, false},
    {"audit", "GET", handle_audit, false},
    {"mint", "POST", handle_mint, true},
    {"revoke", "POST", handle_revoke, true},
    {"rotate", "POST", handle_rotate, true},
};

class AuthorityRole : public Role {
 public:
  explicit AuthorityRole(StubContext& ctx) : a_(ctx) {}

  Response handle(const Request& request) override {
    const Call call{request, correlation_id_of(request, a_.profile())};
    const Route* path_match = nullptr;
    for (const auto& route : kRoutes) {
      if (route.test_only && !a_.ctx.options.enable_mint) continue;
      if (request.path != a_.profile().path(route.path_key)) continue;
      path_match = &route;
      if (iequals(request.method, route.method)) return route.handler(a_, call);
    }
    if (path_match) {
      Response r = error_response("method_not_allowed", std::string(path_match->method) + " only",
                                  call.correlation_id, a_.profile());
      r.headers.set("Allow", path_match->method);
      return r;
    }
    return error_response("not_found", "no such endpoint", call.correlation_id, a_.profile());
  }

 private:
  authority::Authority a_;
};

}  // namespace
}  // namespace authority

std::unique_ptr<Role> make_authority(StubContext& ctx) {
  return std::make_unique<authority::AuthorityRole>(ctx);
}

}  // namespace tc::stub
