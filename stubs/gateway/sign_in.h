// H4, H5: sign-in on tenant hosts through one central OAuth gateway, and cookie sessions (seed 004,
// fixtures tenancy.yaml `sign_in`). The Authority plays the social provider.
//   sign_in        on a tenant host: a state cookie, then a redirect to the provider whose
//                  redirect_uri is the OAuth gateway's callback with the requested slug in its query
//   oauth_callback on the OAuth gateway's host: a redirect to the same callback on the slug's host,
//                  code and state kept; on a tenant host: state checked against its cookie (one use),
//                  the code redeemed, a session created for a member of the tenant (anyone on a
//                  placeholder), its cookie set host-only, a redirect to the relative callbackURL
//   session        the session's user, session and tenant, shaped by the profile's pointers
//   providers      the providers offered
// A session is valid only on the tenant host it was created on (authenticate). Sessions and pending
// states are bounded in number; the oldest go first. Thread-safe.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "stubs/frame.h"
#include "stubs/gateway/authn.h"
#include "stubs/gateway/host_tenant.h"

namespace tc::stub::gateway {

struct Session {
  std::string id, sub, tenant, slug;  // slug: the tenant host it is valid on
  long long expires_at = 0;           // unix seconds
};

// Switches for the faults that break H4 and H5 on purpose (stubs/faults.cpp); all off is the contract.
struct SignInFaults {
  bool slug_lost = false;             // the redirect_uri carries the tenant's own slug, not the requested one
  bool state_unchecked = false;       // the callback's state is not compared with its cookie
  bool any_tenant_host = false;       // a session is accepted on every tenant host
  bool two_slugs = false;             // the session payload carries the requested slug twice over
};

class SignIn {
 public:
  // `tokens` verifies the provider's access token (G1's rules; `now` is set per call).
  SignIn(StubContext& ctx, JwksCache& jwks, TokenRules tokens, SignInFaults faults);

  // G1 for a platform with cookie sessions: the principal ({subject, tenant} claims) of the session
  // cookie when it is valid on `tenant`'s host; nullopt when there is none.
  std::optional<nlohmann::json> session_principal(const Request& request, const std::optional<HostTenant>& tenant);
  // One of the actions above for `route`.
  Response serve(Call& call, const Route& route, const PathParams& params, const HostContext& host);

 private:
  struct Pending {
    std::string slug, provider, redirect_uri, callback;
    long long expires_at = 0;
  };
  Response start(Call& call, const PathParams& params, const std::optional<HostTenant>& tenant);
  Response relay(Call& call);
  Response callback(Call& call, const PathParams& params, const HostTenant& tenant);
  Response session(Call& call, const std::optional<HostTenant>& tenant);
  Response reject(Call& call, const std::optional<HostTenant>& tenant, const std::string& error, const std::string& description,
                  const std::string& sub = "");
  Response redirect(Call& call, const std::string& location, const std::string& event, const std::optional<HostTenant>& tenant);
  std::string callback_url(const std::string& provider, const std::string& slug) const;
  std::optional<Pending> take_pending(const std::string& state);
  bool secure() const { return ctx_.tenancy.hosts->scheme == "https"; }

  StubContext& ctx_;
  const ContractProfile& p_;
  JwksCache& jwks_;
  TokenRules tokens_;
  SignInFaults faults_;
  std::string callback_path_;  // the oauth_callback route's path template
  std::mutex mu_;
  std::map<std::string, Pending> pending_;   // state -> sign-in under way
  std::map<std::string, Session> sessions_;  // cookie value -> session
};

// The value of cookie `name` in a request's Cookie headers; nullopt when absent.
std::optional<std::string> request_cookie(const Headers& headers, const std::string& cookie_header, const std::string& name);

}  // namespace tc::stub::gateway
