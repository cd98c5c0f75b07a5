// The reference world the stubs serve (fixtures/reference/): tenants, users, clients, scopes,
// routes, items and console profiles. Loaded once, read-only afterwards.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/document.h"

namespace tc {

struct Tenant { std::string id, display_name, plane; };

struct User {
  std::string sub, username, password, default_tenant;
  std::vector<std::string> tenants, scopes;
};

struct Client {
  std::string client_id, secret, default_tenant;
  bool is_public = false;
  // redirect_uri_match `query`: a redirect_uri is registered when it is a registered one plus any
  // query (RFC 6749 §3.1.2 lets the query vary; a central OAuth gateway puts the tenant there).
  bool redirect_query_free = false;
  std::vector<std::string> grants, redirect_uris, tenants, scopes;
  bool redirect_registered(const std::string& uri) const;
};

// A gateway route. `action` says what serves it: forward (to `backend` at `upstream`), or one of the
// gateway's own endpoints: sign-in (seed 004, stubs/gateway/sign_in.h), workspace admin (seed
// 001, stubs/gateway/workspace_admin.h) or tenant and platform administration (seed 002,
// stubs/gateway/plane_admin.h). An `open` route needs no credentials.
struct Route {
  static inline const std::vector<std::string> kActions = {
      "forward", "sign_in", "oauth_callback", "session", "providers",                       // seed 004
      "admin_operations", "admin_run", "admin_groups", "admin_group", "admin_search",      // seed 001
      "admin_navigation", "select_tenant", "workspace_member", "tenant_member", "tenant_navigation",
      "tenant_members", "membership", "platform_policy"};                                   // seed 002
  std::string method, path, backend, upstream, scope, tenant_param;
  bool tenant_scoped = false;
  std::string action = "forward";
  bool open = false;
};

// What one backend role serves, each a path of its own (`item` holds one {placeholder}, the id):
// the gateway's upstreams point here.
struct BackendPaths {
  std::string collection;  // GET: the tenant's items; POST: a new item
  std::string item;        // GET: one item
  std::string echo;        // GET: the headers received (B4)
  std::string status;      // GET: not tenant-scoped
};

struct Item {
  std::string id, tenant;
  json fields;  // the whole item as written (id, tenant, name, ...)
};

struct Fixtures {
  std::vector<Tenant> tenants;
  std::vector<User> users;
  std::vector<Client> clients;
  std::vector<std::string> scopes;
  std::vector<Route> routes;
  std::map<std::string, BackendPaths> backends;  // role -> its paths (routes.yaml `backends`)
  std::map<std::string, std::vector<Item>> items;  // role -> items
  std::string missing_id;
  json profiles;  // sub -> {global:{}, tenants:{tenant:{}}}

  // Reads tenants.yaml, users.yaml, clients.yaml, scopes.yaml, routes.yaml, items.yaml and
  // profiles.yaml from `dir`, strictly (unknown keys and wrong types are input errors with file:line).
  static Result<Fixtures> load(const std::string& dir);

  const User* user_by_username(const std::string& username) const;
  const User* user_by_sub(const std::string& sub) const;
  const Client* client(const std::string& client_id) const;
  const Tenant* tenant(const std::string& id) const;
};

}  // namespace tc
