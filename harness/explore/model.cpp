#include "harness/explore/model.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/headers.h"
#include "common/pattern.h"
#include "harness/model/clauses.h"

namespace tc::explore {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

namespace {

Result<Document> platform_file(const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / name).string();
  if (!std::filesystem::exists(path))
    return input_error(Where{path, 0, "", {}, {}},
                       "explore needs the platform's declaration " + name +
                           " in the topology's fixtures folder (docs/cli.md, explore)");
  return load_document(path);
}

std::vector<std::string> strings_at(const json& node) {
  std::vector<std::string> out;
  if (node.is_array())
    for (const auto& v : node)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// The bindings' key under `section` whose value names `value` in `field` (or is `value` itself).
std::string bound_key(const json& bindings, const std::string& section, const char* field, const std::string& value) {
  if (!bindings.contains(section) || !bindings[section].is_object()) return "";
  for (const auto& [key, bound] : bindings[section].items()) {
    if (bound.is_string() && bound.get<std::string>() == value) return section + "." + key;
    if (string_at(bound, field) == value) return section + "." + key;
  }
  return "";
}

Route::Kind route_kind(const std::string& method, const std::string& upstream, const json& served) {
  auto is = [&](const char* what) { return string_at(served, what) == upstream; };
  if (method == "POST" && is("collection")) return Route::Kind::write;
  if (method == "PUT" && is("item")) return Route::Kind::replace;
  if (method != "GET") return Route::Kind::other;
  if (is("collection")) return Route::Kind::list;
  if (is("item")) return Route::Kind::item;
  if (is("echo")) return Route::Kind::echo;
  if (is("status")) return Route::Kind::status;
  return Route::Kind::other;
}

// tenancy.yaml's sections the model holds, and the clauses of those it does not.
constexpr const char* kHeldRules[] = {"tenants", "lifecycle", "rate_limits", "idempotency", "hosts", "sign_in",
                                      "planes", "roles", "policy", "local_issuer", "workspaces", "admin"};

std::optional<Budget> budget_at(const json& node) {
  if (!node.is_object() || !node.contains("requests") || !node["requests"].is_number_integer() ||
      !node.contains("window_seconds") || !node["window_seconds"].is_number_integer())
    return std::nullopt;
  return Budget{node["requests"].get<long>(), node["window_seconds"].get<long>()};
}

// The rules of the platform's tenancy.yaml (T2–T4); none when the folder has no such file.
Result<Model::TenancyRules> load_rules(const std::string& dir) {
  Model::TenancyRules out;
  const std::string path = (std::filesystem::path(dir) / "tenancy.yaml").string();
  if (!std::filesystem::exists(path)) return out;
  auto doc = load_document(path);
  if (!doc) return doc.error();
  const json& rules = doc->value;
  if (!rules.is_object()) return input_error(Where{path, 0, "", {}, {}}, "tenancy.yaml must be a mapping of rule sections");
  std::string unheld;  // the first in the file
  for (const auto& [section, _] : rules.items())
    if (std::find(std::begin(kHeldRules), std::end(kHeldRules), section) == std::end(kHeldRules) &&
        (unheld.empty() || doc->line_of("/" + section) < doc->line_of("/" + unheld)))
      unheld = section;
  if (!unheld.empty())
    return input_error(Where{path, doc->line_of("/" + unheld), "/" + unheld, {}, {}},
                       "explore's model does not hold the rules of `" + unheld +
                           "` (no clause of docs/contract.md): this platform would be judged by rules it does not keep");
  const std::set<std::string> refused = [&] {
    const auto list = strings_at(rules.value("/lifecycle/refused"_json_pointer, json::array()));
    return std::set<std::string>(list.begin(), list.end());
  }();
  const json tiers = rules.value("rate_limits", json::object());
  const json tenants = rules.value("tenants", json::object());
  for (const auto& [id, t] : tenants.items()) {
    if (!t.is_object()) continue;
    if (refused.count(string_at(t, "status"))) out.inactive.insert(id);
    auto budget = budget_at(t.value("rate_limit", json()));
    if (!budget && tiers.is_object()) budget = budget_at(tiers.value(string_at(t, "tier"), json()));
    if (budget) out.budgets[id] = *budget;
  }
  if (rules.contains("/idempotency/methods"_json_pointer)) out.idempotent = strings_at(rules.at("/idempotency/methods"_json_pointer));
  if (rules.contains("hosts") && rules["hosts"].is_object()) {
    const json& h = rules["hosts"];
    HostRules r;
    r.base_domain = to_lower(string_at(h, "base_domain"));
    if (const std::string scheme = string_at(h, "scheme"); !scheme.empty()) r.scheme = scheme;
    r.placeholder = string_at(h, "placeholder");
    r.oauth_gateway = to_lower(string_at(h, "oauth_gateway"));
    r.sources = strings_at(h.value("sources", json::array()));
    r.trusted_sources = strings_at(h.value("trusted_sources", json::array()));
    for (const auto& [id, t] : tenants.items())
      if (const std::string slug = string_at(t, "slug"); !slug.empty()) r.slugs[id] = to_lower(slug);
    const auto providers = strings_at(rules.value("/sign_in/providers"_json_pointer, json::array()));
    if (!providers.empty()) r.provider = providers.front();
    if (r.base_domain.empty() || r.sources.empty() || r.placeholder.empty() || !r.slugs.count(r.placeholder))
      return input_error(Where{path, doc->line_of("/hosts"), "/hosts", {}, {}},
                         "explore needs the hosts' base_domain, sources and a placeholder tenant with its slug");
    out.hosts = std::move(r);
  }
  if (rules.contains("planes") && rules["planes"].is_object()) {
    PlaneRules r;
    r.platform = string_at(rules["planes"], "platform");
    r.platform_roles = strings_at(rules["planes"].value("platform_roles", json::array()));
    const json roles = rules.value("roles", json::object());
    for (const auto& [tenant, members] : roles.items())
      if (members.is_object())
        for (const auto& [sub, role] : members.items())
          if (role.is_string()) r.roles[tenant][sub] = role.get<std::string>();
    const json policy = rules.value("policy", json::object());
    const json allowed = policy.value("allowed", json::object());
    for (const auto& [action, who] : allowed.items()) r.allowed[action] = strings_at(who);
    r.global_policy = policy.value("global", json::object());
    const json glass = policy.value("break_glass", json::object());
    r.break_glass_role = string_at(glass, "role");
    r.assurance_claim = string_at(glass, "assurance_claim");
    r.assurance = strings_at(glass.value("assurance", json::array()));
    r.local_issuer = rules.value("local_issuer", std::string());
    if (r.platform.empty() || r.allowed.empty())
      return input_error(Where{path, doc->line_of("/planes"), "/planes", {}, {}},
                         "explore needs the platform plane's id and policy.allowed");
    out.planes = std::move(r);
  }
  if (rules.contains("workspaces") || rules.contains("admin")) {
    WorkspaceRules r;
    const json workspaces = rules.value("workspaces", json::object());
    if (workspaces.is_object())
      for (const auto& [id, w] : workspaces.items()) {
        r.tenants[id] = strings_at(w.value("tenants", json::array()));
        if (w.contains("members") && w["members"].is_object())
          for (const auto& [sub, role] : w["members"].items())
            if (role.is_string()) r.members[sub] = {id, role.get<std::string>()};
      }
    const json admin = rules.value("admin", json::object());
    r.runs = string_at(admin, "runs");
    r.groups = string_at(admin, "groups");
    r.navigation = strings_at(admin.value("navigation", json::array()));
    r.tenant_navigation = strings_at(admin.value("tenant_navigation", json::array()));
    const std::string at = rules.contains("workspaces") ? "/workspaces" : "/admin";
    if (r.tenants.empty() || r.runs.empty() || r.groups.empty())
      return input_error(Where{path, doc->line_of(at), at, {}, {}},
                         "explore needs the workspaces with their tenants, and admin's runs and groups");
    out.workspaces = std::move(r);
  }
  return out;
}

}  // namespace

std::string string_at(const json& node, const std::string& key, const std::string& otherwise) {
  if (!node.is_object()) return otherwise;
  const auto at = node.find(key);
  return at != node.end() && at->is_string() ? at->get<std::string>() : otherwise;
}

std::string fill_path(const Route& route, const std::function<std::string(bool is_tenant)>& value) {
  std::string path = route.path;
  for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
    const auto close = path.find('}', open);
    if (close == std::string::npos) break;
    const std::string filled = value(path.compare(open + 1, close - open - 1, route.tenant_param) == 0);
    path.replace(open, close - open + 1, filled);
    open += filled.size();
  }
  return path;
}

Result<Model> Model::load(const json& contract, const std::string& platform_dir, const json& bindings) {
  Model m;
  m.contract_ = contract;
  m.bindings_ = bindings;
  const json& headers = contract.value("headers", json::object());
  if (headers.contains("tenant") && headers["tenant"].is_string()) m.tenant_headers_.push_back(headers["tenant"]);
  for (const auto& alias : strings_at(headers.value("tenant_aliases", json::array()))) m.tenant_headers_.push_back(alias);
  if (m.tenant_headers_.empty())
    return input_error(Where{"profile", 0, "/headers/tenant", {}, {}}, "explore needs the tenant header's name");
  m.tenant_pattern_ = contract.value("/patterns/tenant_id"_json_pointer, std::string(".*"));
  m.strict_claim_match_ = contract.value("/switches/strict_claim_match"_json_pointer, false);

  auto rules = load_rules(platform_dir);
  if (!rules) return rules.error();
  m.rules_ = std::move(*rules);

  auto tenants = platform_file(platform_dir, "tenants.yaml");
  if (!tenants) return tenants.error();
  for (const auto& t : tenants->value.value("tenants", json::array())) {
    const std::string id = string_at(t, "id");
    if (id.empty()) continue;
    m.tenants_.push_back(id);
    if (auto key = bound_key(bindings, "tenants", "id", id); !key.empty()) m.tenant_fx_.emplace_back(id, key);
  }

  if (m.tenants_.empty()) return input_error(Where{tenants->file, 0, "/tenants", {}, {}}, "the platform declares no tenant");
  // A user's token comes through the console client: its scopes are the user's and the client's (A4).
  std::optional<std::vector<std::string>> console_scopes;
  const std::string console_id = bindings.contains("/clients/console/id"_json_pointer) &&
                                         bindings.at("/clients/console/id"_json_pointer).is_string()
                                     ? bindings.at("/clients/console/id"_json_pointer).get<std::string>() : "";
  if (auto clients = platform_file(platform_dir, "clients.yaml"); clients)
    for (const auto& c : clients->value.value("clients", json::array()))
      if (!console_id.empty() && string_at(c, "client_id") == console_id) console_scopes = strings_at(c.value("scopes", json::array()));
  for (const auto& [file, is_client] : {std::pair{"users.yaml", false}, std::pair{"clients.yaml", true}}) {
    auto doc = platform_file(platform_dir, file);
    if (!doc) return doc.error();
    const json& list = doc->value.value(is_client ? "clients" : "users", json::array());
    for (const auto& p : list) {
      Principal principal;
      principal.is_client = is_client;
      principal.sub = string_at(p, is_client ? "client_id" : "sub");
      // Only principals the bindings name can be called (their credentials are there) and written into
      // a scenario; a public client is no token holder of its own.
      principal.fx_key = is_client ? bound_key(bindings, "clients", "id", principal.sub)
                                   : bound_key(bindings, "users", "sub", principal.sub);
      if (principal.fx_key.empty() || (is_client && p.value("public", false))) continue;
      // A name bound to a bare id carries no credentials: nothing could be asked with it.
      const std::string section = is_client ? "clients" : "users";
      if (!bindings.at(section).at(principal.fx_key.substr(section.size() + 1)).is_object()) continue;
      if (!contains(strings_at(p.value("grants", json::array({"client_credentials"}))), "client_credentials") && is_client)
        continue;
      principal.tenants = strings_at(p.value("tenants", json::array()));
      principal.default_tenant = string_at(p, "default_tenant");
      principal.scopes = strings_at(p.value("scopes", json::array()));
      if (!is_client && console_scopes)
        principal.scopes.erase(std::remove_if(principal.scopes.begin(), principal.scopes.end(),
                                              [&](const std::string& sc) { return !contains(*console_scopes, sc); }),
                               principal.scopes.end());
      m.principals_.push_back(std::move(principal));
    }
  }
  if (m.principals_.empty())
    return input_error(Where{platform_dir, 0, "", {}, {}},
                       "no principal of users.yaml or clients.yaml is named by the bindings: nothing to call with");

  if (bindings.contains("console_profile") && bindings["console_profile"].is_object())
    if (const std::string user = string_at(bindings["console_profile"], "user"); !user.empty())
      m.console_profile_user_ = "users." + user;

  auto routes = platform_file(platform_dir, "routes.yaml");
  if (!routes) return routes.error();
  const json& served = routes->value.value("backends", json::object());
  const json& named = bindings.value("routes", json::object());
  for (const auto& r : routes->value.value("routes", json::array())) {
    Route route;
    route.method = string_at(r, "method");
    route.path = string_at(r, "path");
    route.backend = string_at(r, "backend");
    route.scope = string_at(r, "scope");
    route.tenant_param = string_at(r, "tenant_param");
    route.tenant_scoped = r.value("tenant_scoped", true);
    route.upstream = r.contains("upstream") ? string_at(r, "upstream") : route.path;
    route.kind = route_kind(route.method, route.upstream, served.value(route.backend, json::object()));
    route.action = string_at(r, "action");
    route.open = r.value("open", false);
    // Its name in the bindings: under its backend's group, else (a gateway's own route) any group's.
    auto name_in = [&](const std::string& group, const json& names) {
      if (!names.is_object()) return;
      for (const auto& [name, path] : names.items())
        if (path.is_string() && path.get<std::string>() == route.path) {
          route.fx_name = "routes." + group + "." + name;
          // list and create share a path; the name says which
          if ((route.kind == Route::Kind::write) == (name == "create")) break;
        }
    };
    if (named.contains(route.backend)) name_in(route.backend, named[route.backend]);
    for (const auto& [group, names] : named.items())
      if (route.fx_name.empty()) name_in(group, names);
    const json& direct = bindings.value("backend_routes", json::object());
    if (direct.contains(route.backend) && direct[route.backend].is_object())
      for (const auto& [name, path] : direct[route.backend].items())
        if (path.is_string() && path.get<std::string>() == route.upstream) route.upstream_fx = "backend_routes." + route.backend + "." + name;
    if (!route.method.empty() && !route.path.empty()) m.routes_.push_back(std::move(route));
  }
  if (m.routes_.empty())
    return input_error(Where{routes->file, 0, "/routes", {}, {}}, "the platform declares no gateway route");

  auto items = platform_file(platform_dir, "items.yaml");
  if (!items) return items.error();
  m.missing_id_ = string_at(items->value, "missing_id");
  m.missing_fx_ = bound_key(bindings, "items", "id", m.missing_id_);
  const json declared = items->value.value("items", json::object());
  for (const auto& [backend, list] : declared.items())
    for (const auto& i : list) {
      Item item{string_at(i, "id"), string_at(i, "tenant"), backend, "", string_at(i, "name")};
      const json& bound = bindings.value("/items"_json_pointer, json::object());
      if (bound.contains(backend) && bound[backend].is_object())
        for (const auto& [name, id] : bound[backend].items())
          if (id.is_string() && id.get<std::string>() == item.id) item.fx_key = "items." + backend + "." + name;
      m.items_.push_back(std::move(item));
    }
  return m;
}

const Item* Model::find_item(const std::string& id) const {
  for (const auto& i : items_)
    if (i.id == id) return &i;
  return nullptr;
}

bool Model::other_case_of_item(const std::string& id) const {
  if (find_item(id)) return false;
  for (const auto& i : items_)
    if (iequals(i.id, id)) return true;
  return false;
}

std::string Model::tenant_fx(const std::string& tenant) const {
  for (const auto& [id, key] : tenant_fx_)
    if (id == tenant) return key;
  return "";
}

std::string Model::bound_name(const std::string& section, const std::string& value) const {
  return bound_key(bindings_, section, "", value);
}

std::optional<HostTenant> Model::host_tenant(const std::map<std::string, std::string>& sent) const {
  if (!rules_.hosts) return std::nullopt;
  const HostRules& h = *rules_.hosts;
  std::optional<std::string> host;
  for (const auto& source : h.sources) {
    const auto value = sent.find(source);
    if (value == sent.end() || contains(h.trusted_sources, source)) continue;  // this caller is no trusted proxy
    std::string v = value->second;
    if (const auto scheme = v.find("://"); scheme != std::string::npos) v = v.substr(scheme + 3);  // an Origin's host
    if (const auto slash = v.find('/'); slash != std::string::npos) v = v.substr(0, slash);
    if (const auto comma = v.find(','); comma != std::string::npos) v = v.substr(0, comma);
    v = to_lower(trim(v));
    if (const auto colon = v.rfind(':'); colon != std::string::npos) v = v.substr(0, colon);
    host = v;
    break;
  }
  const std::string suffix = "." + h.base_domain;
  if (!host || *host == h.oauth_gateway || host->size() <= suffix.size() ||
      host->compare(host->size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  const std::string slug = host->substr(0, host->size() - suffix.size());
  if (slug.find('.') != std::string::npos) return std::nullopt;  // one label only
  for (const auto& [id, s] : h.slugs)
    if (s == slug && id != h.placeholder) return HostTenant{id, slug, false};
  return HostTenant{h.placeholder, slug, true};  // the placeholder's own slug too
}

AdminDecision Model::decide_admin(const Principal& who, const std::string& tenant, const std::string& action,
                                  bool assured) const {
  AdminDecision d;
  const PlaneRules& r = *rules_.planes;
  auto refuse = [&](const char* clause, const char* key) {
    d.clause = clause;
    d.status_key = d.error = key;
    return d;
  };
  const auto& pattern = compiled_regex(tenant_pattern_);
  if (!pattern || !std::regex_match(tenant, **pattern)) return refuse("P1", "tenant_invalid");
  if (!contains(tenants_, tenant)) return refuse("P1", "not_found");
  const bool root = tenant == r.platform;
  auto role_in = [&](const std::string& t) -> std::optional<std::string> {
    if (const auto at = r.roles.find(t); at != r.roles.end())
      if (const auto role = at->second.find(who.sub); role != at->second.end()) return role->second;
    if (contains(who.tenants, t)) return std::string("member");
    return std::nullopt;
  };
  std::vector<std::string> held;  // the caller's roles that count here
  std::optional<std::string> platform_role = role_in(r.platform);
  if (platform_role && !contains(r.platform_roles, *platform_role)) platform_role.reset();
  if (platform_role) held.push_back(*platform_role);
  if (!root)
    if (auto own = role_in(tenant)) held.push_back(*own);
  const auto allowed = r.allowed.count(action) ? r.allowed.at(action) : std::vector<std::string>{};
  std::vector<std::string> granting;
  for (const auto& role : held)
    if (contains(allowed, role)) granting.push_back(role);
  const char* clause = root ? "P3" : "P2";
  if (granting.empty()) {
    if (held.empty() && !root) return refuse(clause, "not_found");  // no role there: as a tenant that does not exist
    return refuse(clause, "forbidden");
  }
  if (granting == std::vector<std::string>{r.break_glass_role}) {
    d.break_glass = true;
    if (!assured) return refuse("P4", "assurance_required");
  }
  d.clause = clause;
  return d;
}

std::string Model::workspace_of(const Principal& who) const {
  if (!rules_.workspaces || who.is_client) return "";
  const auto at = rules_.workspaces->members.find(who.sub);
  return at == rules_.workspaces->members.end() ? "" : at->second.first;
}

bool Model::usable(const Principal& who, const std::string& tenant) const {
  const std::string workspace = workspace_of(who);
  return !workspace.empty() && contains(rules_.workspaces->tenants.at(workspace), tenant) && contains(who.tenants, tenant);
}

std::optional<std::string> Model::active_tenant(const Principal& who, const std::optional<std::string>& named,
                                                const std::optional<std::string>& remembered) const {
  if (named && usable(who, *named)) return named;
  if (remembered && usable(who, *remembered)) return remembered;
  return std::nullopt;
}

bool Model::holds(const std::string& clause) const { return held_.empty() || clause_selected(clause, held_); }

std::optional<Budget> Model::budget(const std::string& tenant) const {
  const auto at = rules_.budgets.find(tenant);
  return at == rules_.budgets.end() ? std::nullopt : std::optional<Budget>(at->second);
}

bool Model::has_tenant_name(const std::string& key) const {
  return std::any_of(tenant_fx_.begin(), tenant_fx_.end(), [&](const auto& e) { return e.second == key; });
}

TokenPrediction Model::predict_token(const Principal& principal, const std::optional<std::string>& tenant) const {
  TokenPrediction p;
  const auto& set = principal.tenants;
  auto refuse = [&](const char* error) {
    p.status = contract_.value("/status/oauth_error"_json_pointer, 400);
    p.status_key = "oauth_error";
    p.error = error;
    return p;
  };
  if (tenant) {
    if (!contains(set, *tenant)) return refuse("tenant_forbidden");  // exact comparison (A5)
    p.claims.tenant = *tenant;
  } else if (set.size() == 1) {
    p.claims.tenant = set.front();
  } else if (set.size() > 1) {
    if (principal.default_tenant.empty()) return refuse("tenant_ambiguous");
    p.claims.tenant = principal.default_tenant;
  }
  p.status = contract_.value("/status/ok"_json_pointer, 200);
  p.claims.sub = principal.sub;
  if (set.size() > 1) p.claims.allowed_tenants = set;  // A6: only with more than one assignment
  p.claims.scopes = principal.scopes;
  if (p.claims.tenant && inactive(*p.claims.tenant)) {  // T4: no token in a locked or offboarded tenant
    refuse("tenant_inactive");
    p.clause = "T4";
  }
  return p;
}

ConsolePrediction Model::predict_console(const Claims& claims, const std::vector<std::string>& values) const {
  ConsolePrediction p;
  auto refuse = [&](const char* key) {
    p.status = contract_["status"].value(key, 0);
    p.status_key = p.error = p.event = key;
    return p;
  };
  const auto& pattern = compiled_regex(tenant_pattern_);
  for (const auto& v : values)
    if (v.empty() || !pattern || !std::regex_match(v, **pattern)) return refuse("tenant_invalid");
  const std::set<std::string> distinct(values.begin(), values.end());
  if (distinct.size() > 1) return refuse("tenant_conflict");
  if (distinct.empty()) {
    p.selected = claims.tenant;
    return p;
  }
  const std::string& value = *distinct.begin();
  const bool entitled = (claims.tenant && *claims.tenant == value) ||
                        std::find(claims.allowed_tenants.begin(), claims.allowed_tenants.end(), value) != claims.allowed_tenants.end();
  if (!entitled) return refuse("tenant_forbidden");  // with or without a claim tenant (Interpretation 13)
  p.selected = value;
  return p;
}

Prediction Model::predict(const RequestFacts& f) const {
  Prediction p;
  auto status = [&](const std::string& key) { return contract_["status"].value(key, 0); };
  auto deny = [&](const char* clause, const std::string& key, const std::string& event, const char* error = nullptr) {
    p.clause = clause;
    p.status = status(key);
    p.status_key = key;
    p.error = error ? error : key;
    p.gateway_events.push_back(event);
    return p;
  };
  if (f.direct) {  // B1, then B2 as for a forwarded request
    p.resolved_tenant = f.claims.tenant;
    if (contract_.value("/switches/backend_requires_signature"_json_pointer, true) && !f.signature_valid) {
      p.clause = "B1";
      p.status = status("context_unverified");
      p.status_key = p.error = "context_unverified";
      p.backend_event = "context_unverified";
      return p;
    }
    p.clause = "B2";
    if (!p.resolved_tenant && f.route->tenant_scoped) {
      p.status = status("tenant_missing");
      p.status_key = p.error = "tenant_missing";
      p.backend_event = "tenant_missing";
      return p;
    }
    p.status = status("ok");
    p.status_key = "ok";
    p.backend_event = "data_read";
    return p;
  }
  // G1
  if (!f.has_token) return deny("G1", "unauthenticated", "authn_failed");
  if (!f.token_valid) return deny("G1", "invalid_token", "authn_failed");
  // G3; T1 where the route's path names the tenant and only the claim's tenant may be named
  const char* g3 = strict_claim_match_ && !f.route->tenant_param.empty() ? "T1" : "G3";
  std::vector<std::string> values = f.tenant_values;
  if (f.path_tenant) values.push_back(*f.path_tenant);
  const auto& pattern = compiled_regex(tenant_pattern_);
  for (const auto& v : values)
    if (v.empty() || !pattern || !std::regex_match(v, **pattern)) return deny(g3, "tenant_invalid", "tenant_invalid");
  std::set<std::string> distinct(values.begin(), values.end());
  p.attempted_tenants.assign(distinct.begin(), distinct.end());
  if (distinct.size() > 1) return deny(g3, "tenant_conflict", "tenant_conflict");
  std::vector<std::string> entitlement;
  if (f.claims.tenant) entitlement.push_back(*f.claims.tenant);
  if (!strict_claim_match_)
    for (const auto& t : f.claims.allowed_tenants) entitlement.push_back(t);
  if (distinct.size() == 1) {
    const std::string& value = *distinct.begin();
    if (contains(entitlement, value)) {
      p.resolved_tenant = value;
      p.tenant_selected = true;
      p.gateway_events.push_back("tenant_selected");
    } else if (f.claims.tenant) {
      return deny(g3, "tenant_conflict", "tenant_override_rejected");
    } else {
      return deny(g3, "tenant_forbidden", "tenant_forbidden");
    }
  } else if (f.claims.tenant) {
    p.resolved_tenant = f.claims.tenant;
  } else if (f.route->tenant_scoped) {
    return deny(g3, "tenant_missing", "tenant_missing");
  }
  // T4: a token of a locked or offboarded tenant, or a request acting in one
  if ((f.claims.tenant && inactive(*f.claims.tenant)) || (p.resolved_tenant && inactive(*p.resolved_tenant)))
    return deny("T4", "tenant_inactive", "tenant_inactive");
  // T2: the resolved tenant's budget, spent by every request that gets this far
  if (p.resolved_tenant && budget(*p.resolved_tenant)) {
    p.counted_tenant = p.resolved_tenant;
    if (f.budget_spent) return deny("T2", "too_many_requests", "rate_limited", "rate_limited");
  }
  // G4
  if (!f.route->scope.empty() && !contains(f.claims.scopes, f.route->scope))
    return deny("G4", "insufficient_scope", "authz_denied");  // after tenant.selected, when a value selected
  // G5, answered by the backend (B2)
  p.clause = "G5";
  p.gateway_events.push_back("request_forwarded");
  p.status = status("ok");
  p.status_key = "ok";
  p.backend_event = "data_read";
  if (f.route->kind == Route::Kind::item) {
    const Item* item = find_item(f.item_id);
    const bool own = item && item->backend == f.route->backend && p.resolved_tenant && item->tenant == *p.resolved_tenant;
    if (!own) {
      p.status = status("not_found");
      p.status_key = "not_found";
      p.error = "not_found";
      p.backend_event = "data_not_found";
      if (item && item->backend == f.route->backend) p.item_owner = item->tenant;
      p.owner_open = other_case_of_item(f.item_id);
    }
  } else if (f.route->kind == Route::Kind::write) {
    p.status = status("created");
    p.status_key = "created";
    p.backend_event = "data_write";
  } else if (f.route->kind == Route::Kind::status || f.route->kind == Route::Kind::other) {
    p.backend_event.clear();  // not tenant-scoped: no B2 record is promised
  }
  return p;
}

}  // namespace tc::explore
