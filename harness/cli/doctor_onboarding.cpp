#include "harness/cli/doctor_onboarding.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/json_match.h"
#include "common/jwt.h"
#include "harness/runner/audit_records.h"
#include "harness/template/template.h"

namespace tc::cli {
namespace {

constexpr long kCheckTimeoutMs = 5000;
const std::vector<std::string> kCheckKeys = {"get", "token", "audit", "as", "component", "status", "pointer", "contains",
                                             "at_least"};
const std::vector<std::string> kScopeNames = {"contract", "fx", "tenant", "env"};

std::string kind_of(const json& check) {
  for (const char* k : {"get", "token", "audit"})
    if (check.contains(k)) return k;
  return "";
}

bool has_key(const json& node, const std::string& section, const std::string& key) {
  return node.contains(section) && node[section].is_object() && node[section].contains(key);
}

// Every template of `node` may only read the onboarding scope.
void templates_read_the_scope(const StrictReader& r, const json& node, const std::string& ptr) {
  auto paths = template_paths(node, Loc{r.doc().file, 1, ptr});
  if (!paths) r.fail(ptr, paths.error().message);
  for (const auto& path : *paths) {
    const std::string top = path.substr(0, path.find('.'));
    if (std::find(kScopeNames.begin(), kScopeNames.end(), top) == kScopeNames.end())
      r.fail(ptr, "'" + path + "' is not in scope here (contract, fx, tenant, env)");
  }
}

void check_shape_of_check(const StrictReader& r, const json& check, const std::string& p,
                          const std::vector<std::string>& earlier_gets) {
  r.object(check, p, kCheckKeys);
  const std::string kind = kind_of(check);
  int kinds = 0;
  for (const char* k : {"get", "token", "audit"}) kinds += check.contains(k) ? 1 : 0;
  if (kinds != 1) r.fail(p, "a check has exactly one of get, token or audit");
  const json& root = r.root();
  if (kind != "audit") {
    if (!check.contains("as")) r.missing(p, "as", "the user whose token the check uses");
    const std::string& user = r.string(check["as"], pointer_join(p, "as"));
    if (!has_key(root, "users", user)) r.fail(pointer_join(p, "as"), "users has no '" + user + "'");
  } else if (check.contains("as")) {
    r.fail(pointer_join(p, "as"), "an audit check reads the source; it has no user");
  }
  if (kind == "audit") {
    const std::string& of = r.string(check["audit"], pointer_join(p, "audit"));
    if (std::find(earlier_gets.begin(), earlier_gets.end(), of) == earlier_gets.end())
      r.fail(pointer_join(p, "audit"), "'" + of + "' is no get check written before this one");
  } else {
    r.string(check[kind], pointer_join(p, kind));
  }
  for (const char* k : {"component", "pointer"})
    if (check.contains(k)) r.string(check[k], pointer_join(p, k));
  // A status is a number, or one template that renders to one ("{{contract.status.ok}}").
  if (check.contains("status") && !check["status"].is_number_integer()) {
    const json& s = check["status"];
    const bool one_template = s.is_string() && s.get<std::string>().starts_with("{{") && s.get<std::string>().ends_with("}}");
    if (!one_template) r.fail(pointer_join(p, "status"), "expected an integer or one template, got " + describe_type(s));
  }
  if (check.contains("contains")) r.map(check["contains"], pointer_join(p, "contains"));
  if (check.contains("at_least")) r.integer(check["at_least"], pointer_join(p, "at_least"));
  for (const char* k : {"status", "pointer", "contains", "at_least"})
    if (check.contains(k) && kind != "get") r.fail(pointer_join(p, k), std::string(k) + " belongs to a get check");
  if ((check.contains("contains") || check.contains("at_least")) && !check.contains("pointer"))
    r.fail(p, "contains and at_least need the pointer of the list they look at");
  templates_read_the_scope(r, check, p);
}

// A rendered check whose values are not of their kind (a template that read a map where a path
// was due): what is wrong and where, so the check fails instead of being run.
std::optional<std::string> rendered_wrongly(const json& check, const std::string& ptr) {
  for (const char* k : {"get", "token", "audit", "as", "component", "pointer"})
    if (check.contains(k) && !check[k].is_string())
      return pointer_join(ptr, k) + " rendered to " + describe_type(check[k]) + ", not a string";
  for (const char* k : {"status", "at_least"})
    if (check.contains(k) && !check[k].is_number_integer())
      return pointer_join(ptr, k) + " rendered to " + describe_type(check[k]) + ", not an integer";
  return std::nullopt;
}

// Everything one tenant's checks share: the scope their templates read, the tokens got so far
// (by user key) and the correlation ids of the get checks (by check name).
struct TenantRun {
  std::string id;
  Scope scope;
  std::map<std::string, std::string> tokens;
  std::map<std::string, std::string> correlation_ids;
};

class Onboarding {
 public:
  Onboarding(const Document& file, const Environment& env, const ContractProfile& profile, std::string token_url,
             const TlsOptions& token_tls, const DoctorReport& report)
      : file_(file), env_(env), profile_(profile), token_url_(std::move(token_url)), report_(report), token_http_(token_tls) {}

  void run() {
    const json& section = file_.value.at("onboarding");
    for (const auto& key : file_.keys_of("/onboarding/tenants")) {
      TenantRun t{env_.bindings["tenants"][key].get<std::string>(), Scope(), {}, {}};
      t.scope.set("contract", profile_.values());
      t.scope.set("fx", env_.bindings);
      t.scope.set("tenant", t.id);
      for (const auto& name : file_.keys_of(pointer_join("/onboarding/tenants", key)))
        run_check(t, name, section["tenants"][key][name], pointer_join(pointer_join("/onboarding/tenants", key), name));
    }
  }

 private:
  void report(const TenantRun& t, const std::string& name, bool ok, const std::string& detail) {
    report_(ok, t.id, "onboarding." + name, detail);
  }

  void run_check(TenantRun& t, const std::string& name, const json& raw, const std::string& ptr) {
    auto check = render(raw, t.scope, Loc{file_.file, file_.where(ptr).line, ptr});
    if (!check) return report(t, name, false, check.error().to_string());
    if (auto wrong = rendered_wrongly(*check, ptr)) return report(t, name, false, *wrong);
    const std::string kind = kind_of(*check);
    if (kind == "get") return get(t, name, *check);
    if (kind == "token") return token(t, name, *check);
    return audit(t, name, *check);
  }

  const Component* component(const TenantRun& t, const std::string& name, const std::string& which) {
    auto it = env_.components.find(which);
    if (it != env_.components.end()) return &it->second;
    report(t, name, false, "the topology has no component '" + which + "'");
    return nullptr;
  }

  // The token response for user `key` asked with `scope` by the password grant of the section's client.
  Result<json> token_response(const std::string& key, const std::string& scope) {
    const json& user = env_.bindings["users"][key];
    const json& onboarding = file_.value.at("onboarding");
    const std::string client = env_.bindings["clients"][onboarding.value("client", "")].value("id", "");
    HttpRequest req;
    req.method = "POST";
    req.url = token_url_;
    req.timeout_ms = kCheckTimeoutMs;
    req.headers.add("Content-Type", "application/x-www-form-urlencoded");
    req.body = "grant_type=password&client_id=" + url_encode(client) + "&username=" +
               url_encode(user.value("username", "")) + "&password=" + url_encode(user.value("password", "")) +
               "&scope=" + url_encode(scope);
    auto res = token_http_.send(req);
    if (!res) return res.error();
    json body = json::parse(res->body, nullptr, false);
    if (res->status != profile_.status("ok") || !body.is_object() || !body.contains("access_token") ||
        !body["access_token"].is_string())
      return input_error({}, "users." + key + " got no token: " + std::to_string(res->status) + " " +
                                 (body.is_object() ? body.value("error", std::string()) : std::string()));
    return body;
  }

  // The section's scope as tenant `t` asks it (it may read {{tenant}}); none when absent.
  Result<std::string> scope_for(const TenantRun& t) {
    const json& onboarding = file_.value.at("onboarding");
    if (!onboarding.contains("scope")) return std::string();
    return render_text(onboarding["scope"].get<std::string>(), t.scope,
                       Loc{file_.file, file_.where("/onboarding/scope").line, "/onboarding/scope"});
  }

  // One client per component, over that component's TLS settings.
  HttpClient& client_of(const Component& c) {
    auto& client = clients_[c.name];
    if (!client) client = std::make_unique<HttpClient>(c.tls);
    return *client;
  }

  void get(TenantRun& t, const std::string& name, const json& check) {
    const std::string user = check.value("as", "");
    const Component* c = component(t, name, check.value("component", std::string("gateway")));
    if (!c) return;
    if (!t.tokens.count(user)) {
      auto scope = scope_for(t);
      if (!scope) return report(t, name, false, scope.error().to_string());
      auto body = token_response(user, *scope);
      if (!body) return report(t, name, false, body.error().message);
      t.tokens[user] = (*body)["access_token"].get<std::string>();
    }
    const std::string path = check.value("get", "");
    const std::string cid = "doctor-onboarding-" + random_token(9);
    HttpRequest req;
    req.url = c->url + path;
    req.timeout_ms = kCheckTimeoutMs;
    req.headers.add(profile_.header("authorization"), profile_.value("bearer_scheme") + " " + t.tokens[user]);
    req.headers.add(profile_.header("correlation_id"), cid);
    auto res = client_of(*c).send(req);
    std::string detail = "GET " + path + " as users." + user;
    if (!res) return report(t, name, false, detail + ": " + res.error().message);
    t.correlation_ids[name] = cid;
    const int want = check.contains("status") ? check["status"].get<int>() : profile_.status("ok");
    detail += " answered " + std::to_string(res->status);
    if (res->status != want) return report(t, name, false, detail + ", not " + std::to_string(want));
    if (!check.contains("pointer")) return report(t, name, true, detail);
    json body = json::parse(res->body, nullptr, false);
    const std::string pointer = check.value("pointer", "");
    const json* list = nullptr;
    if (!body.is_discarded()) {
      try {
        list = &body.at(json::json_pointer(pointer));
      } catch (const json::exception&) {
        list = nullptr;
      }
    }
    if (!list || !list->is_array()) return report(t, name, false, detail + ", no list at " + pointer);
    const auto at_least = check.value("at_least", static_cast<std::int64_t>(1));
    detail += ", " + pointer + " has " + std::to_string(list->size()) + " element(s)";
    if (static_cast<std::int64_t>(list->size()) < at_least)
      return report(t, name, false, detail + ", fewer than " + std::to_string(at_least));
    if (!check.contains("contains")) return report(t, name, true, detail);
    const json& want_element = check["contains"];
    const bool found = std::any_of(list->begin(), list->end(), [&](const json& e) { return !subset_mismatch(want_element, e); });
    report(t, name, found, detail + (found ? ", one matches " : ", none matches ") + want_element.dump());
  }

  void token(TenantRun& t, const std::string& name, const json& check) {
    const std::string user = check.value("as", "");
    const std::string scopes = check.value("token", "");
    auto body = token_response(user, scopes);
    const std::string detail = "users." + user + " asked for \"" + scopes + "\"";
    if (!body) return report(t, name, false, detail + ": " + body.error().message);
    auto jwt = decode_jwt((*body)["access_token"].get<std::string>());
    if (!jwt) return report(t, name, false, detail + ": the token is no JWT");
    const json& claims = jwt->payload;
    const std::string tenant_claim = profile_.claim("tenant");
    const json tenant = claims.contains(tenant_claim) ? claims[tenant_claim] : json();
    if (tenant != t.id) return report(t, name, false, detail + ": the token's " + tenant_claim + " is " + tenant.dump());
    // The granted scopes: the token's scope claim, else the response's scope (RFC 6749 §5.1).
    const std::string scope_claim = profile_.claim("scope");
    std::string granted = claims.contains(scope_claim) && claims[scope_claim].is_string() ? claims[scope_claim].get<std::string>()
                                                                                          : body->value("scope", std::string());
    std::vector<std::string> have;
    std::istringstream words(granted);
    for (std::string w; words >> w;) have.push_back(w);
    std::string missing;
    std::istringstream asked(scopes);
    for (std::string w; asked >> w;)
      if (std::find(have.begin(), have.end(), w) == have.end()) missing += (missing.empty() ? "" : " ") + w;
    report(t, name, missing.empty(),
           detail + ": in " + t.id + (missing.empty() ? ", every scope granted" : ", not granted: " + missing));
  }

  void audit(TenantRun& t, const std::string& name, const json& check) {
    const std::string of = check.value("audit", "");
    const Component* c = component(t, name, check.value("component", std::string("gateway")));
    if (!c) return;
    auto cid = t.correlation_ids.find(of);
    if (cid == t.correlation_ids.end()) return report(t, name, false, "check " + of + " sent no request");
    if (c->audit.kind.empty() || c->audit.kind == "none")
      return report(t, name, false, c->name + " has no audit source in the topology");
    auto in_tenant = [&](const json& r) { return r.value("resolved_tenant", json()) == t.id; };
    auto records = poll_audit_records(*c, profile_.path("audit"), cid->second,
                                      [&](const HttpRequest& r) { return client_of(*c).send(r); },
                                      [&](const std::vector<json>& rs) { return std::any_of(rs.begin(), rs.end(), in_tenant); });
    const std::string detail = c->name + "'s record of " + of + " (" + cid->second + ")";
    if (!records) return report(t, name, false, detail + ": " + records.error().message);
    const bool ok = std::any_of(records->begin(), records->end(), in_tenant);
    report(t, name, ok,
           detail + (ok ? " has resolved_tenant " + t.id
                        : records->empty() ? ": none written" : ": none with resolved_tenant " + t.id));
  }

  const Document& file_;
  const Environment& env_;
  const ContractProfile& profile_;
  std::string token_url_;
  const DoctorReport& report_;
  HttpClient token_http_;
  std::map<std::string, std::unique_ptr<HttpClient>> clients_;
};

}  // namespace

void check_onboarding_shape(const StrictReader& r, const json& node, const std::string& p) {
  r.object(node, p, {"client", "scope", "tenants"}, {"client", "tenants"});
  const std::string& client = r.string(node["client"], pointer_join(p, "client"));
  if (!has_key(r.root(), "clients", client)) r.fail(pointer_join(p, "client"), "clients has no '" + client + "'");
  if (node.contains("scope")) {
    r.string(node["scope"], pointer_join(p, "scope"));
    templates_read_the_scope(r, node["scope"], pointer_join(p, "scope"));
  }
  const std::string tp = pointer_join(p, "tenants");
  r.map(node["tenants"], tp);
  if (node["tenants"].empty()) r.fail(tp, "name at least one tenant");
  for (const auto& key : r.keys_in_order(tp)) {
    const std::string kp = pointer_join(tp, key);
    if (!has_key(r.root(), "tenants", key)) r.fail(kp, "tenants has no '" + key + "'");
    const json& checks = node["tenants"][key];
    r.map(checks, kp);
    if (checks.empty()) r.fail(kp, "a tenant has at least one check");
    std::vector<std::string> gets;
    for (const auto& name : r.keys_in_order(kp)) {
      check_shape_of_check(r, checks[name], pointer_join(kp, name), gets);
      if (checks[name].contains("get")) gets.push_back(name);
    }
  }
}

void run_onboarding_checks(const Document& bindings_file, const Environment& env, const ContractProfile& profile,
                           const std::string& token_url, const TlsOptions& token_tls, const DoctorReport& report) {
  if (!bindings_file.value.is_object() || !bindings_file.value.contains("onboarding")) return;
  Onboarding(bindings_file, env, profile, token_url, token_tls, report).run();
}

}  // namespace tc::cli
