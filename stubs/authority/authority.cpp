// make_authority: the Authority's route table for the frame, by the profile's paths (a new endpoint
// is one row). Test-only endpoints (A10) are rows only when the topology enables minting; otherwise
// their paths answer 404 not_found like any unknown path.
#include "stubs/authority/authority.h"

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
  Response (*handler)(Authority&, Call&);
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
    {"mint", "POST", handle_mint, true},
    {"revoke", "POST", handle_revoke, true},
    {"rotate", "POST", handle_rotate, true},
};

}  // namespace
}  // namespace authority

std::unique_ptr<Role> make_authority(StubContext& ctx) {
  auto state = std::make_shared<authority::Authority>(ctx);
  RoleTable table;
  for (const auto& route : authority::kRoutes) {
    if (route.test_only && !ctx.options.enable_mint) continue;
    auto* handler = route.handler;
    table.routes.push_back({route.method, ctx.profile.path(route.path_key),
                            [a = state.get(), handler](Call& call, const PathParams&) { return handler(*a, call); }});
  }
  // U2: the caller can no longer find the record by its own correlation id.
  table.faults.records_with_own_correlation_id = ctx.faults.on("authority.audit_own_correlation_id");
  table.state = state;
  return std::make_unique<Frame>(ctx, std::move(table));
}

}  // namespace tc::stub
