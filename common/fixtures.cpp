#include "common/fixtures.h"

#include <algorithm>
#include <initializer_list>
#include <set>

namespace tc {
namespace {

// Strict reading of one fixture file: every problem is thrown as an input Error carrying
// file:line:pointer and caught once in Fixtures::load.
class Reader {
 public:
  explicit Reader(const Document& doc) : doc_(doc) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw input_error(doc_.where(pointer), message);
  }

  const json& at(const std::string& pointer) const {
    const json* node = &doc_.value;
    if (!pointer.empty()) node = &doc_.value.at(json::json_pointer(pointer));
    return *node;
  }

  // Checks that the object at `pointer` has only `allowed` keys and every one of `required`.
  void object(const std::string& pointer, std::initializer_list<const char*> required,
              std::initializer_list<const char*> optional) const {
    const json& v = at(pointer);
    if (!v.is_object()) fail(pointer, "expected a mapping, found " + type(v));
    for (const char* key : required)
      if (!v.contains(key)) fail(pointer, std::string("missing key '") + key + "'");
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto is = [&](const char* k) { return it.key() == k; };
      if (std::none_of(required.begin(), required.end(), is) && std::none_of(optional.begin(), optional.end(), is))
        fail(pointer_join(pointer, it.key()), "unknown key '" + it.key() + "'");
    }
  }

  const json& array(const std::string& pointer) const {
    const json& v = at(pointer);
    if (!v.is_array()) fail(pointer, "expected a list, found " + type(v));
    return v;
  }

  std::string string(const std::string& obj, const char* key, const std::string& fallback = "") const {
    const json& o = at(obj);
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_string()) fail(pointer_join(obj, key), std::string("'") + key + "' must be a string, found " + type(*it));
    return it->get<std::string>();
  }

  bool boolean(const std::string& obj, const char* key, bool fallback = false) const {
    const json& o = at(obj);
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_boolean()) fail(pointer_join(obj, key), std::string("'") + key + "' must be a boolean, found " + type(*it));
    return it->get<bool>();
  }

  std::vector<std::string> strings(const std::string& obj, const char* key) const {
    std::vector<std::string> out;
    const json& o = at(obj);
    if (!o.contains(key)) return out;
    std::string p = pointer_join(obj, key);
    const json& list = array(p);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) fail(pointer_join(p, i), "expected a string, found " + type(list[i]));
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

  static std::string type(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "a list";
    return "a mapping";
  }

  const Document& doc() const { return doc_; }

 private:
  const Document& doc_;
};

Document load_or_throw(const std::string& dir, const char* name) {
  auto doc = load_document(dir + "/" + name);
  if (!doc) throw doc.error();
  return std::move(doc).value();
}

void read_tenants(const Reader& r, Fixtures& f) {
  r.object("", {"tenants"}, {});
  const json& list = r.array("/tenants");
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string p = pointer_join("/tenants", i);
    r.object(p, {"id", "displayName"}, {"plane"});
    f.tenants.push_back({r.string(p, "id"), r.string(p, "displayName"), r.string(p, "plane")});
  }
}

void read_users(const Reader& r, Fixtures& f) {
  r.object("", {"users"}, {});
  const json& list = r.array("/users");
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string p = pointer_join("/users", i);
    r.object(p, {"sub", "username", "password", "tenants", "scopes"}, {"default_tenant"});
    User u;
    u.sub = r.string(p, "sub");
    u.username = r.string(p, "username");
    u.password = r.string(p, "password");
    u.default_tenant = r.string(p, "default_tenant");
    u.tenants = r.strings(p, "tenants");
    u.scopes = r.strings(p, "scopes");
    f.users.push_back(std::move(u));
  }
}

void read_clients(const Reader& r, Fixtures& f) {
  r.object("", {"clients"}, {});
  const json& list = r.array("/clients");
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string p = pointer_join("/clients", i);
    r.object(p, {"client_id", "grants", "scopes"}, {"public", "secret", "redirect_uris", "tenants", "default_tenant"});
    Client c;
    c.client_id = r.string(p, "client_id");
    c.is_public = r.boolean(p, "public");
    c.secret = r.string(p, "secret");
    c.default_tenant = r.string(p, "default_tenant");
    c.grants = r.strings(p, "grants");
    c.redirect_uris = r.strings(p, "redirect_uris");
    c.tenants = r.strings(p, "tenants");
    c.scopes = r.strings(p, "scopes");
    if (!c.is_public && c.secret.empty()) r.fail(p, "a confidential client needs a 'secret'");
    f.clients.push_back(std::move(c));
  }
}

void read_scopes(const Reader& r, Fixtures& f) {
  r.object("", {"scopes"}, {});
  f.scopes = r.strings("", "scopes");
}

void read_routes(const Reader& r, Fixtures& f) {
  r.object("", {"routes", "backends"}, {});
  if (!r.at("/backends").is_object()) r.fail("/backends", "expected a mapping of backend role to its paths");
  for (const auto& [role, paths] : r.at("/backends").items()) {
    const std::string p = pointer_join("/backends", role);
    r.object(p, {"collection", "item", "echo", "status"}, {});
    BackendPaths b{r.string(p, "collection"), r.string(p, "item"), r.string(p, "echo"), r.string(p, "status")};
    const auto open = b.item.find('{');
    if (open == std::string::npos || b.item.find('}', open) != b.item.size() - 1)
      r.fail(pointer_join(p, "item"), "an item path ends with its one {placeholder}, the id");
    f.backends[role] = std::move(b);
  }
  const json& list = r.array("/routes");
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string p = pointer_join("/routes", i);
    r.object(p, {"method", "path", "backend", "tenant_scoped", "scope"}, {"tenant_param", "upstream"});
    Route route;
    route.method = r.string(p, "method");
    route.path = r.string(p, "path");
    route.backend = r.string(p, "backend");
    route.tenant_scoped = r.boolean(p, "tenant_scoped");
    route.scope = r.string(p, "scope");
    route.tenant_param = r.string(p, "tenant_param");
    route.upstream = r.string(p, "upstream", route.path);
    if (!route.tenant_param.empty() && route.path.find("{" + route.tenant_param + "}") == std::string::npos)
      r.fail(pointer_join(p, "tenant_param"), "tenant_param '" + route.tenant_param + "' is not a parameter of the path");
    f.routes.push_back(std::move(route));
  }
}

void read_items(const Reader& r, Fixtures& f) {
  r.object("", {"missing_id", "items"}, {});
  f.missing_id = r.string("", "missing_id");
  const json& roles = r.at("/items");
  if (!roles.is_object()) r.fail("/items", "expected a mapping of backend role to items");
  for (auto it = roles.begin(); it != roles.end(); ++it) {
    std::string rp = pointer_join("/items", it.key());
    const json& list = r.array(rp);
    auto& items = f.items[it.key()];
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string p = pointer_join(rp, i);
      if (!list[i].is_object()) r.fail(p, "expected a mapping, found " + Reader::type(list[i]));
      if (!list[i].contains("id")) r.fail(p, "missing key 'id'");
      if (!list[i].contains("tenant")) r.fail(p, "missing key 'tenant'");
      Item item{r.string(p, "id"), r.string(p, "tenant"), list[i]};
      if (item.id == f.missing_id) r.fail(pointer_join(p, "id"), "an item has the missing_id '" + f.missing_id + "'");
      items.push_back(std::move(item));
    }
  }
}

void read_profiles(const Reader& r, Fixtures& f) {
  r.object("", {"profiles"}, {});
  const json& subs = r.at("/profiles");
  if (!subs.is_object()) r.fail("/profiles", "expected a mapping of sub to profile");
  for (auto it = subs.begin(); it != subs.end(); ++it) {
    std::string p = pointer_join("/profiles", it.key());
    r.object(p, {}, {"global", "tenants"});
    if (it->contains("global") && !(*it)["global"].is_object()) r.fail(pointer_join(p, "global"), "expected a mapping");
    if (it->contains("tenants")) {
      std::string tp = pointer_join(p, "tenants");
      const json& tenants = (*it)["tenants"];
      if (!tenants.is_object()) r.fail(tp, "expected a mapping of tenant to profile layer");
      for (auto t = tenants.begin(); t != tenants.end(); ++t)
        if (!t->is_object()) r.fail(pointer_join(tp, t.key()), "expected a mapping");
    }
  }
  f.profiles = subs;
}

// Every tenant named anywhere exists; every default tenant is one of the principal's tenants.
void check_references(const Fixtures& f, const Document& users, const Document& clients, const Document& items,
                      const Document& profiles) {
  std::set<std::string> tenants;
  for (const auto& t : f.tenants) tenants.insert(t.id);
  std::set<std::string> scopes(f.scopes.begin(), f.scopes.end());
  auto need_tenant = [&](const Document& d, const std::string& p, const std::string& id) {
    if (!tenants.count(id)) throw input_error(d.where(p), "unknown tenant '" + id + "'");
  };
  auto need_scopes = [&](const Document& d, const std::string& p, const std::vector<std::string>& list) {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!scopes.count(list[i])) throw input_error(d.where(pointer_join(p, i)), "unknown scope '" + list[i] + "'");
  };
  auto principal = [&](const Document& d, const std::string& p, const std::vector<std::string>& ts,
                       const std::string& def, const std::vector<std::string>& sc) {
    for (std::size_t i = 0; i < ts.size(); ++i) need_tenant(d, pointer_join(pointer_join(p, "tenants"), i), ts[i]);
    if (!def.empty() && std::find(ts.begin(), ts.end(), def) == ts.end())
      throw input_error(d.where(pointer_join(p, "default_tenant")), "default_tenant '" + def + "' is not one of its tenants");
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
    if (!f.user_by_sub(it.key())) throw input_error(profiles.where(p), "unknown user sub '" + it.key() + "'");
    if (it->contains("tenants"))
      for (auto t = (*it)["tenants"].begin(); t != (*it)["tenants"].end(); ++t)
        need_tenant(profiles, pointer_join(pointer_join(p, "tenants"), t.key()), t.key());
  }
}

}  // namespace

Result<Fixtures> Fixtures::load(const std::string& dir) {
  Fixtures f;
  try {
    Document tenants = load_or_throw(dir, "tenants.yaml");
    Document users = load_or_throw(dir, "users.yaml");
    Document clients = load_or_throw(dir, "clients.yaml");
    Document scopes = load_or_throw(dir, "scopes.yaml");
    Document routes = load_or_throw(dir, "routes.yaml");
    Document items = load_or_throw(dir, "items.yaml");
    Document profiles = load_or_throw(dir, "profiles.yaml");
    read_tenants(Reader(tenants), f);
    read_users(Reader(users), f);
    read_clients(Reader(clients), f);
    read_scopes(Reader(scopes), f);
    read_routes(Reader(routes), f);
    read_items(Reader(items), f);
    read_profiles(Reader(profiles), f);
    check_references(f, users, clients, items, profiles);
  } catch (const Error& e) {
    return e;
  }
  return f;
}

const User* Fixtures::user_by_username(const std::string& username) const {
  for (const auto& u : users)
    if (u.username == username) return &u;
  return nullptr;
}

const User* Fixtures::user_by_sub(const std::string& sub) const {
  for (const auto& u : users)
    if (u.sub == sub) return &u;
  return nullptr;
}

const Client* Fixtures::client(const std::string& client_id) const {
  for (const auto& c : clients)
    if (c.client_id == client_id) return &c;
  return nullptr;
}

const Tenant* Fixtures::tenant(const std::string& id) const {
  for (const auto& t : tenants)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace tc
