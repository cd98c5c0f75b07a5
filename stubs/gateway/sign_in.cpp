#include "stubs/gateway/sign_in.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/utc_time.h"
#include "stubs/envelope.h"
#include "stubs/gateway/forward.h"

namespace tc::stub::gateway {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxEntries = 10'000;  // pending states, and sessions: the oldest go first
constexpr long long kStateSeconds = 600;      // a sign-in has ten minutes to come back

template <class Map>
void make_room(Map& map) {
  if (map.size() < kMaxEntries) return;
  const long long now = epoch_seconds();
  std::erase_if(map, [&](const auto& entry) { return entry.second.expires_at <= now; });
  while (map.size() >= kMaxEntries) {
    auto oldest = std::min_element(map.begin(), map.end(),
                                   [](const auto& a, const auto& b) { return a.second.expires_at < b.second.expires_at; });
    map.erase(oldest);
  }
}

// Host-only (no Domain), HttpOnly, and Secure when the platform's URLs are https.
std::string cookie_line(const std::string& name, const std::string& value, bool secure, bool expire = false) {
  return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "") + (expire ? "; Max-Age=0" : "");
}

// A relative path on the same host: what callbackURL may be. Anything else is an open redirect, and
// a control byte or space would split the Location header it is written into (or be dropped by a
// browser, turning "/\t/evil" into "//evil"); a backslash is a slash to browsers.
bool is_local_path(const std::string& url) {
  if (url.empty() || url.front() != '/' || (url.size() > 1 && url[1] == '/')) return false;
  return std::none_of(url.begin(), url.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x21 || b == 0x7f || c == '\\';
  });
}

}  // namespace

std::optional<std::string> request_cookie(const Headers& headers, const std::string& cookie_header, const std::string& name) {
  for (const auto& line : headers.all(cookie_header)) {
    std::size_t at = 0;
    while (at <= line.size()) {
      const auto end = std::min(line.find(';', at), line.size());
      const std::string pair = trim(std::string_view(line).substr(at, end - at));
      const auto eq = pair.find('=');
      if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
      at = end + 1;
    }
  }
  return std::nullopt;
}

SignIn::SignIn(StubContext& ctx, JwksCache& jwks, TokenRules tokens, SignInFaults faults)
    : ctx_(ctx), p_(ctx.profile), jwks_(jwks), tokens_(std::move(tokens)), faults_(faults) {
  for (const auto& route : ctx.fixtures.routes)
    if (route.action == "oauth_callback") callback_path_ = route.path;
}

std::optional<json> SignIn::session_principal(const Request& request, const std::optional<HostTenant>& tenant) {
  auto token = request_cookie(request.headers, p_.header("cookie"), p_.value("session_cookie"));
  if (!token || !tenant) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(*token);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_at <= epoch_seconds()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  const Session& s = it->second;
  if (s.slug != tenant->slug && !faults_.any_tenant_host) return std::nullopt;
  return json{{p_.claim("subject"), s.sub}, {p_.claim("tenant"), s.tenant}, {"session_id", s.id},
              {"session_expires_at", s.expires_at}};
}

std::string SignIn::callback_url(const std::string& provider, const std::string& slug) const {
  const auto& hosts = *ctx_.tenancy.hosts;
  return hosts.scheme + "://" + hosts.oauth_gateway + fill_path(callback_path_, {{"provider", provider}}) + "?" +
         p_.value("tenant_slug_param") + "=" + url_encode(slug);
}

std::optional<SignIn::Pending> SignIn::take_pending(const std::string& state) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(state);
  if (it == pending_.end()) return std::nullopt;
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (p.expires_at <= epoch_seconds()) return std::nullopt;
  return p;
}

Response SignIn::reject(Call& call, const std::optional<HostTenant>& tenant, const std::string& error,
                        const std::string& description, const std::string& sub) {
  // OAuth's request errors share the profile's bad_request status; the others have their own.
  const bool oauth = error == "invalid_request" || error == "access_denied";
  Decision d;
  d.event = "sign_in_rejected";
  d.allow = false;
  d.status = p_.status(oauth ? "bad_request" : error);
  d.reason = error;
  d.actor = Actor::of(sub, ctx_.tenancy.sign_in->client_id, std::nullopt);
  if (tenant) d.attempted_tenant = tenant->id;
  call.decide(d);
  return error_response(d.status, error, description, call.correlation_id, p_);
}

Response SignIn::redirect(Call& call, const std::string& location, const std::string& event,
                          const std::optional<HostTenant>& tenant) {
  Decision d;
  d.event = event;
  d.status = p_.status("redirect");
  if (tenant) d.resolved_tenant = tenant->id;
  d.actor = Actor::from_claims(call.claims(), p_);
  call.decide(d);
  return redirect_response(location, call.correlation_id, p_);
}

Response SignIn::serve(Call& call, const Route& route, const PathParams& params, const HostContext& host) {
  const auto& tenant = host.tenant;
  if (route.action == "providers") {
    json body = json::object();
    body[json::json_pointer(p_.value("providers_pointer"))] = ctx_.tenancy.sign_in->providers;
    return json_response(p_.status("ok"), body, call.correlation_id, p_);
  }
  if (route.action == "session") return session(call, tenant);
  const auto provider = params.find("provider");
  const auto& offered = ctx_.tenancy.sign_in->providers;
  if (provider == params.end() || std::find(offered.begin(), offered.end(), provider->second) == offered.end())
    return reject(call, tenant, "not_found", "no such sign-in provider");
  if (route.action == "sign_in") return start(call, params, tenant);
  // oauth_callback: the central gateway relays; a tenant host completes the sign-in.
  if (tenant) return callback(call, params, *tenant);
  if (host.host == ctx_.tenancy.hosts->oauth_gateway) return relay(call);
  return reject(call, tenant, "tenant_missing", "the callback is answered on the OAuth gateway or a tenant host");
}

Response SignIn::start(Call& call, const PathParams& params, const std::optional<HostTenant>& tenant) {
  if (!tenant) return reject(call, tenant, "tenant_missing", "sign-in starts on a tenant host");
  const std::string callback = call.request.query_param(p_.value("callback_url_param")).value_or("/");
  if (!is_local_path(callback))
    return reject(call, tenant, "invalid_request", p_.value("callback_url_param") + " must be a path on this host");
  const std::string provider = params.at("provider");
  const std::string slug = faults_.slug_lost ? ctx_.tenancy.slug_of(tenant->id) : tenant->slug;
  Pending pending{slug, provider, callback_url(provider, slug), callback, epoch_seconds() + kStateSeconds};
  const std::string state = random_token(24);
  std::string location = tokens_.issuer + p_.path("authorize") + "?response_type=code&client_id=" + url_encode(ctx_.tenancy.sign_in->client_id) +
              "&redirect_uri=" + url_encode(pending.redirect_uri) + "&scope=" + url_encode(ctx_.tenancy.sign_in->scope) +
              "&state=" + state;
  // The stub provider signs in the user its login_hint names: passed on as a browser would be sent.
  if (auto hint = call.request.query_param("login_hint")) location += "&login_hint=" + url_encode(*hint);
  {
    std::lock_guard lock(mu_);
    make_room(pending_);
    pending_[state] = std::move(pending);
  }
  Response r = redirect(call, location, "sign_in_redirected", tenant);
  r.headers.add(p_.header("set_cookie"), cookie_line(p_.value("state_cookie"), state, secure()));
  return r;
}

Response SignIn::relay(Call& call) {
  const std::string param = p_.value("tenant_slug_param");
  const auto slug = call.request.query_param(param);
  if (!slug || !is_host_label(*slug)) return reject(call, std::nullopt, "invalid_request", param + " must be one host label");
  // The query as received, less the slug: code and state go on untouched.
  const std::string& target = call.request.target;
  const auto q = target.find('?');
  std::string query;
  if (q != std::string::npos) {
    std::size_t at = q + 1;
    while (at <= target.size()) {
      const auto end = std::min(target.find('&', at), target.size());
      const std::string pair = target.substr(at, end - at);
      if (!pair.empty() && url_decode(pair.substr(0, pair.find('='))) != param) query += (query.empty() ? "" : "&") + pair;
      at = end + 1;
    }
  }
  const auto& hosts = *ctx_.tenancy.hosts;
  const std::string path = target.substr(0, q);
  return redirect(call, hosts.scheme + "://" + *slug + "." + hosts.base_domain + path + (query.empty() ? "" : "?" + query),
                  "sign_in_redirected", std::nullopt);
}

Response SignIn::callback(Call& call, const PathParams& params, const HostTenant& tenant) {
  const auto& req = call.request;
  const std::string state_cookie = p_.value("state_cookie");
  const auto state = req.query_param("state");
  const auto cookie = request_cookie(req.headers, p_.header("cookie"), state_cookie);
  // The state is used up only by the browser that holds its cookie: someone who saw it in a URL
  // cannot spoil the sign-in with it.
  std::optional<Pending> pending = state && cookie && *state == *cookie ? take_pending(*state) : std::nullopt;
  if (!pending && faults_.state_unchecked && state) pending = take_pending(*state);
  const bool state_ok = pending && pending->slug == tenant.slug;
  auto finish = [&](Response r) {
    r.headers.add(p_.header("set_cookie"), cookie_line(state_cookie, "", secure(), true));
    return r;
  };
  if (!state_ok && !faults_.state_unchecked)
    return finish(reject(call, tenant, "oauth_state_invalid", "the state is missing, unknown, used or not this browser's"));
  if (!pending) pending = Pending{tenant.slug, params.at("provider"), callback_url(params.at("provider"), tenant.slug), "/", 0};

  // The code, redeemed at the provider with the redirect_uri it was issued for.
  const Client* client = ctx_.fixtures.client(ctx_.tenancy.sign_in->client_id);
  HttpRequest exchange;
  exchange.method = "POST";
  exchange.url = tokens_.issuer + p_.path("token");
  exchange.headers.set("Content-Type", "application/x-www-form-urlencoded");
  exchange.body = "grant_type=authorization_code&code=" + url_encode(req.query_param("code").value_or("")) +
                  "&redirect_uri=" + url_encode(pending->redirect_uri) + "&client_id=" + url_encode(client ? client->client_id : "") +
                  "&client_secret=" + url_encode(client ? client->secret : "");
  exchange.timeout_ms = 5000;
  auto answer = send_upstream(exchange);
  if (!answer.ok()) return finish(reject(call, tenant, "upstream_unavailable", "the sign-in provider cannot be reached"));
  const auto body = json::parse(answer->body, nullptr, false);
  const auto token = body.is_object() && body.contains("access_token") && body["access_token"].is_string()
                         ? body["access_token"].get<std::string>() : std::string();
  TokenRules rules = tokens_;
  rules.now = epoch_seconds();
  auto verdict = token.empty() ? TokenVerdict{"no access token", nullptr} : check_token(token, jwks_, rules);
  if (answer->status != p_.status("ok") || !verdict.ok())
    return finish(reject(call, tenant, "access_denied", "the provider did not grant the sign-in"));
  const std::string sub = string_claim(*verdict.claims, p_.claim("subject")).value_or("");
  const User* user = ctx_.fixtures.user_by_sub(sub);
  const bool member = user && (tenant.placeholder ||
                               std::find(user->tenants.begin(), user->tenants.end(), tenant.id) != user->tenants.end());
  if (!member) return finish(reject(call, tenant, "tenant_forbidden", "the user is not a member of this tenant", sub));

  Session s{uuid_v4(), sub, tenant.id, tenant.slug, epoch_seconds() + ctx_.tenancy.sign_in->session_ttl_seconds};
  const std::string cookie_value = random_token(32);
  {
    std::lock_guard lock(mu_);
    make_room(sessions_);
    sessions_[cookie_value] = s;
  }
  call.principal = std::make_shared<const json>(json{{p_.claim("subject"), sub}, {p_.claim("tenant"), tenant.id}});
  Response r = redirect(call, pending->callback, "session_created", tenant);
  r.headers.add(p_.header("set_cookie"), cookie_line(p_.value("session_cookie"), cookie_value, secure()));
  return finish(std::move(r));
}

Response SignIn::session(Call& call, const std::optional<HostTenant>& tenant) {
  // The guard let the call through with a session, which exists only on a tenant host.
  if (!tenant) return error_response("unauthenticated", "no session here", call.correlation_id, p_);
  const json& who = call.claims();
  const std::string sub = string_claim(who, p_.claim("subject")).value_or("");
  const User* user = ctx_.fixtures.user_by_sub(sub);
  json body = json::object();
  auto put = [&](const char* pointer_key, json value) { body[json::json_pointer(p_.value(pointer_key))] = std::move(value); };
  put("session_user_id_pointer", sub);
  put("session_user_name_pointer", user ? user->username : "");
  put("session_id_pointer", who.value("session_id", ""));
  put("session_expires_pointer", rfc3339_ms(who.value("session_expires_at", 0LL) * 1000));
  put("session_tenant_id_pointer", tenant->id);
  put("session_tenant_slug_pointer", tenant->slug);
  put("session_placeholder_pointer", tenant->placeholder);
  if (faults_.two_slugs) {
    body[json::json_pointer(p_.value("session_tenant_pointer"))]["requestedSlug"] = tenant->slug;
    put("session_tenant_slug_pointer", ctx_.tenancy.slug_of(tenant->id));
  }
  Decision d;
  d.event = "session_read";
  d.status = p_.status("ok");
  d.actor = Actor::from_claims(who, p_);
  d.resolved_tenant = tenant->id;
  call.decide(d);
  return json_response(p_.status("ok"), body, call.correlation_id, p_);
}

}  // namespace tc::stub::gateway
