#include "common/fixtures.h"

#include <algorithm>
#include <initializer_list>
#include <set>

#include "common/strict.h"

namespace tc {
namespace {

Document load_or_reject(const std::string& dir, const char* name) {
  auto doc = load_document(dir + "/" + name);
  if (!doc) reject(doc.error());
  return std::move(doc).value();
}

// The list under `key` of the top-level map (its only key); each element at "/key/i".
const json& top_list(const StrictReader& r, const std::string& key) {
  r.object(r.root(), "", {key}, {key});
  const json& list = r.root()[key];
  r.array(list, "/" + key);
  return list;
}

void read_tenants(const StrictReader& r, Fixtures& f) {
  const json& list = top_list(r, "tenants");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_join("/tenants", i);
    const json& t = list[i];
    r.object(t, p, {"id", "displayName", "plane"}, {"id", "displayName"});
    f.tenants.push_back({r.string_or(t, p, "id"), r.string_or(t, p, "displayName"), r.string_or(t, p, "plane")});
  }
}

void read_users(const StrictReader& r, Fixtures& f) {
  const json& list = top_list(r, "users");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_join("/users", i);
    const json& n = list[i];
    r.object(n, p, {"sub", "username", "password", "tenants", "scopes", "default_tenant"},
             {"sub", "username", "password", "tenants", "scopes"});
    User u;
    u.sub = r.string_or(n, p, "sub");
    u.username = r.string_or(n, p, "username");
    u.password = r.string_or(n, p, "password");
    u.default_tenant = r.string_or(n, p, "default_tenant");
    u.tenants = r.strings_or_empty(n, p, "tenants");
    u.scopes = r.strings_or_empty(n, p, "scopes");
    f.users.push_back(std::move(u));
  }
}

void read_clients(const StrictReader& r, Fixtures& f) {
  const json& list = top_list(r, "clients");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_join("/clients", i);
    const json& n = list[i];
    r.object(n, p, {"client_id", "grants", "scopes", "public", "secret", "redirect_uris", "tenants", "default_tenant", "redirect_uri_match"},
             {"client_id", "grants", "scopes"});
    Client c;
    c.client_id = r.string_or(n, p, "client_id");
    c.is_public = r.boolean_or(n, p, "public");
    c.secret = r.string_or(n, p, "secret");
    c.default_tenant = r.string_or(n, p, "default_tenant");
    c.grants = r.strings_or_empty(n, p, "grants");
    c.redirect_uris = r.strings_or_empty(n, p, "redirect_uris");
    const std::string match = r.string_or(n, p, "redirect_uri_match", "exact");
    r.one_of(match, pointer_join(p, "redirect_uri_match"), {"exact", "query"});
    c.redirect_query_free = match == "query";
    c.tenants = r.strings_or_empty(n, p, "tenants");
    c.scopes = r.strings_or_empty(n, p, "scopes");
    if (!c.is_public && c.secret.empty()) r.missing(p, "secret", "a confidential client");
    f.clients.push_back(std::move(c));
  }
}

void read_scopes(const StrictReader& r, Fixtures& f) {
  r.object(r.root(), "", {"scopes"}, {"scopes"});
  f.scopes = r.strings(r.root()["scopes"], "/scopes");
}

void read_routes(const StrictReader& r, Fixtures& f) {
  r.object(r.root(), "", {"routes", "backends"}, {"routes", "backends"});
  const json& backends = r.root()["backends"];
  r.map(backends, "/backends");
  for (auto it = backends.begin(); it != backends.end(); ++it) {
    const std::string p = pointer_join("/backends", it.key());
    const json& n = it.value();
    r.object(n, p, {"collection", "item", "echo", "status"}, {"collection", "item", "echo", "status"});
    BackendPaths b{r.string_or(n, p, "collection"), r.string_or(n, p, "item"), r.string_or(n, p, "echo"),
                   r.string_or(n, p, "status")};
    const auto open = b.item.find('{');
    if (open == std::string::npos || b.item.find('}', open) != b.item.size() - 1)
      r.fail(pointer_join(p, "item"), "an item path ends with its one {placeholder}, the id");
    f.backends[it.key()] = std::move(b);
  }
  const json& list = r.root()["routes"];
  r.array(list, "/routes");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_join("/routes", i);
    const json& n = list[i];
    r.object(n, p, {"method", "path", "backend", "tenant_scoped", "scope", "tenant_param", "upstream", "action", "open"},
             {"method", "path"});
    Route route;
    route.action = r.string_or(n, p, "action", "forward");
    r.one_of(route.action, pointer_join(p, "action"), Route::kActions);
    route.open = r.boolean_or(n, p, "open");
    if (route.action == "forward")
      for (const char* key : {"backend", "tenant_scoped", "scope"})
        if (!n.contains(key)) r.missing(p, key, "a forwarded route names its backend, tenancy and scope");
    route.method = r.string_or(n, p, "method");
    route.path = r.string_or(n, p, "path");
    route.backend = r.string_or(n, p, "backend");
    route.tenant_scoped = r.boolean_or(n, p, "tenant_scoped");
    route.scope = r.string_or(n, p, "scope");
    route.tenant_param = r.string_or(n, p, "tenant_param");
    route.upstream = r.string_or(n, p, "upstream", route.path);
    if (!route.tenant_param.empty() && route.path.find("{" + route.tenant_param + "}") == std::string::npos)
      r.fail(pointer_join(p, "tenant_param"), "tenant_param '" + route.tenant_param + "' is not a parameter of the path");
    f.routes.push_back(std::move(route));
  }
}

void read_items(const StrictReader& r, Fixtures& f) {
  r.object(r.root(), "", {"missing_id", "items"}, {"missing_id", "items"});
  f.missing_id = r.string(r.root()["missing_id"], "/missing_id");
  const json& roles = r.root()["items"];
  r.map(roles, "/items");
  for (auto it = roles.begin(); it != roles.end(); ++it) {
    const std::string rp = pointer_join("/items", it.key());
    const json& list = it.value();
    r.array(list, rp);
    auto& items = f.items[it.key()];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = pointer_join(rp, i);
      r.map(list[i], p);
      for (const char* key : {"id", "tenant"})
        if (!list[i].contains(key)) r.missing(p, key);
      Item item{r.string_or(list[i], p, "id"), r.string_or(list[i], p, "tenant"), list[i]};
      if (item.id == f.missing_id) r.fail(pointer_join(p, "id"), "an item has the missing_id '" + f.missing_id + "'");
      items.push_back(std::move(item));
    }
  }
}

void read_profiles(const StrictReader& r, Fixtures& f) {
  r.object(r.root(), "", {"profiles"}, {"profiles"});
  const json& subs = r.root()["profiles"];
  r.map(subs, "/profiles");
  for (auto it = subs.begin(); it != subs.end(); ++it) {
    const std::string p = pointer_join("/profiles", it.key());
    r.object(*it, p, {"global", "tenants"});
    if (it->contains("global")) r.map((*it)["global"], pointer_join(p, "global"));
    if (it->contains("tenants")) {
      const std::string tp = pointer_join(p, "tenants");
      const json& tenants = (*it)["tenants"];
      r.map(tenants, tp);
      for (auto t = tenants.begin(); t != tenants.end(); ++t) r.map(*t, pointer_join(tp, t.key()));
    }
  }
  f.profiles = subs;
}

// Every tenant named anywhere exists; every default tenant is one of the principal's tenants.
void check_references(const Fixtures& f, const StrictReader& users, const StrictReader& clients,
                      const StrictReader& items, const StrictReader& profiles) {
  std::set<std::string> tenants;
  for (const auto& t : f.tenants) tenants.insert(t.id);
  std::set<std::string> scopes(f.scopes.begin(), f.scopes.end());
  auto need_tenant = [&](const StrictReader& d, const std::string& p, const std::string& id) {
    if (!tenants.count(id)) d.fail(p, "unknown tenant '" + id + "'");
  };
  auto need_scopes = [&](const StrictReader& d, const std::string& p, const std::vector<std::string>& list) {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!scopes.count(list[i])) d.fail(pointer_join(p, i), "unknown scope '" + list[i] + "'");
  };
  auto principal = [&](const StrictReader& d, const std::string& p, const std::vector<std::string>& ts,
                       const std::string& def, const std::vector<std::string>& sc) {
    for (std::size_t i = 0; i < ts.size(); ++i) need_tenant(d, pointer_join(pointer_join(p, "tenants"), i), ts[i]);
    if (!def.empty() && std::find(ts.begin(), ts.end(), def) == ts.end())
      d.fail(pointer_join(p, "default_tenant"), "default_tenant '" + def + "' is not one of its tenants");
    need_scopes(d, pointer_join(p, "scopes"), sc);
  };
  for (std::size_t i = 0; i < f.users.size(); ++i) {
    const auto& u = f.users[i];
    principal(users, pointer_join("/users", i), u.tenants, u.default_tenant, u.scopes);
  }
  for (std::size_t i = 0; i < f.clients.size(); ++i) {
    const auto& c = f.clients[i];
    principal(clients, pointer_join("/clients", i), c.tenants, c.default_tenant, c.scopes);
  }
  for (const auto& [role, list] : f.items)
    for (std::size_t i = 0; i < list.size(); ++i)
      need_tenant(items, pointer_join(pointer_join(pointer_join("/items", role), i), "tenant"), list[i].tenant);
  for (auto it = f.profiles.begin(); it != f.profiles.end(); ++it) {
    std::string p = pointer_join("/profiles", it.key());
    if (!f.user_by_sub(it.key())) profiles.fail(p, "unknown user sub '" + it.key() + "'");
    if (it->contains("tenants"))
      for (auto t = (*it)["tenants"].begin(); t != (*it)["tenants"].end(); ++t)
        need_tenant(profiles, pointer_join(pointer_join(p, "tenants"), t.key()), t.key());
  }
}

}  // namespace

Result<Fixtures> Fixtures::load(const std::string& dir) {
  Fixtures f;
  auto read = read_strictly([&] {
    const Document tenants = load_or_reject(dir, "tenants.yaml"), users = load_or_reject(dir, "users.yaml"),
                   clients = load_or_reject(dir, "clients.yaml"), scopes = load_or_reject(dir, "scopes.yaml"),
                   routes = load_or_reject(dir, "routes.yaml"), items = load_or_reject(dir, "items.yaml"),
                   profiles = load_or_reject(dir, "profiles.yaml");
    read_tenants(StrictReader(tenants), f);
    read_users(StrictReader(users), f);
    read_clients(StrictReader(clients), f);
    read_scopes(StrictReader(scopes), f);
    read_routes(StrictReader(routes), f);
    read_items(StrictReader(items), f);
    read_profiles(StrictReader(profiles), f);
    check_references(f, StrictReader(users), StrictReader(clients), StrictReader(items), StrictReader(profiles));
  });
  if (!read) return read.error();
  return f;
}

namespace {
// The first entry of `list` whose `field` is `value`.
template <class T>
const T* find_by(const std::vector<T>& list, std::string T::*field, const std::string& value) {
  for (const auto& entry : list)
    if (entry.*field == value) return &entry;
  return nullptr;
}
}  // namespace

const User* Fixtures::user_by_username(const std::string& username) const { return find_by(users, &User::username, username); }
const User* Fixtures::user_by_sub(const std::string& sub) const { return find_by(users, &User::sub, sub); }
bool Client::redirect_registered(const std::string& uri) const {
  const std::string base = redirect_query_free ? uri.substr(0, uri.find('?')) : uri;
  return std::find(redirect_uris.begin(), redirect_uris.end(), base) != redirect_uris.end();
}

const Client* Fixtures::client(const std::string& client_id) const { return find_by(clients, &Client::client_id, client_id); }
const Tenant* Fixtures::tenant(const std::string& id) const { return find_by(tenants, &Tenant::id, id); }

}  // namespace tc
