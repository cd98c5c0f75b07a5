// Strict loading of topology files (docs/topology.md). Every check names file:line and the JSON
// pointer of the offending node; the first error wins.
#include "harness/env/topology.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <regex>

#include "common/strict.h"
#include "harness/model/clauses.h"
#include "harness/template/template.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

constexpr long kStubAuditDeadlineMs = 300;   // a /_audit source not declared synchronous (a spawned build)
constexpr long kAuditDeadlineMs = 3000;
// The longest waits a topology may ask for: a build that takes ten minutes to become ready, an audit
// source a minute behind. Beyond them a wait is a mistake, not a slow platform.
constexpr long kMaxReadyDeadlineMs = 600000;
constexpr long kMaxAuditDeadlineMs = 60000;

std::string resolve(const fs::path& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (dir / p).lexically_normal().string();
}

bool is_one_of(const std::string& s, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* x) { return s == x; });
}

void read_tls(const StrictReader& r, const std::string& ptr, const json& v, const fs::path& dir, TlsOptions& tls) {
  r.object(v, ptr, {"ca_file", "cert_file", "key_file", "insecure"});
  for (auto [key, field] : {std::pair{"ca_file", &tls.ca_file}, {"cert_file", &tls.cert_file},
                            {"key_file", &tls.key_file}})
    if (v.contains(key)) *field = resolve(dir, r.string(v[key], pointer_join(ptr, key)));
  tls.insecure = r.boolean_or(v, ptr, "insecure", tls.insecure);
}

void read_ready(const StrictReader& r, const std::string& ptr, const json& v, ReadinessSpec& ready) {
  r.object(v, ptr, {"http", "tcp", "status", "deadline_ms"});
  if (v.contains("http") == v.contains("tcp")) r.fail(ptr, "ready needs exactly one of http, tcp");
  if (v.contains("http")) {
    ready.http_path = r.string(v["http"], pointer_join(ptr, "http"));
    if (ready.http_path.empty() || ready.http_path[0] != '/')
      r.fail(pointer_join(ptr, "http"), "must be a path starting with '/'");
  } else if (v["tcp"] != true) {
    r.fail(pointer_join(ptr, "tcp"), "must be true");
  }
  if (v.contains("status")) {
    const json& s = v["status"];
    if (!s.is_number_integer() || s.get<int>() < 100 || s.get<int>() > 599)
      r.fail(pointer_join(ptr, "status"), "must be an HTTP status (100-599)");
    if (ready.http_path.empty()) r.fail(pointer_join(ptr, "status"), "status is for http readiness");
    ready.expect_status = s.get<int>();
  }
  if (v.contains("deadline_ms"))
    ready.deadline_ms = r.positive(v["deadline_ms"], pointer_join(ptr, "deadline_ms"), kMaxReadyDeadlineMs, "milliseconds");
}

void read_audit(const StrictReader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  AuditSourceSpec& a = c.audit;
  const auto stub_allowed = [&](const std::string& p) {
    if (c.kind == "external") r.fail(p, "audit: stub needs a component the supervisor starts (stub or spawn)");
  };
  if (v.is_string()) {
    a.kind = v.get<std::string>();
    if (!is_one_of(a.kind, {"stub", "none"}))
      r.fail(ptr, "audit must be stub, none, {stub: true}, {jsonl: path} or {http: url}");
    if (a.kind == "stub") stub_allowed(ptr);
    a.deadline_ms = a.kind == "stub" ? kStubAuditDeadlineMs : kAuditDeadlineMs;
    // Our own stub records before it answers; a spawned build serving /_audit has not said so.
    a.synchronous = a.kind == "stub" && c.kind == "stub";
    return;
  }
  r.object(v, ptr, {"stub", "jsonl", "http", "deadline_ms", "synchronous"});
  const int sources = int(v.contains("stub")) + int(v.contains("jsonl")) + int(v.contains("http"));
  if (sources != 1) r.fail(ptr, "audit needs exactly one of stub, jsonl, http");
  if (v.contains("stub")) {
    if (v["stub"] != true) r.fail(pointer_join(ptr, "stub"), "must be true");
    stub_allowed(ptr);
    a.kind = "stub";
    a.deadline_ms = kStubAuditDeadlineMs;
  } else {
    a.kind = v.contains("jsonl") ? "jsonl" : "http";
    a.location = r.string(v[a.kind], pointer_join(ptr, a.kind));
    if (a.kind == "jsonl") a.location = resolve(dir, a.location);
    a.deadline_ms = kAuditDeadlineMs;
  }
  a.synchronous = r.boolean_or(v, ptr, "synchronous", a.kind == "stub" && c.kind == "stub");
  if (v.contains("deadline_ms"))
    a.deadline_ms = r.positive(v["deadline_ms"], pointer_join(ptr, "deadline_ms"), kMaxAuditDeadlineMs, "milliseconds");
}

void read_spawn(const StrictReader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  r.object(v, ptr, {"command", "args", "env", "ready", "url", "tls"}, {"command"});
  c.command = r.string(v["command"], pointer_join(ptr, "command"));
  if (c.command.empty()) r.fail(pointer_join(ptr, "command"), "must not be empty");
  // A relative path is relative to the topology's folder; a bare name is looked up in PATH.
  if (c.command.find('/') != std::string::npos && c.command.find("{{") == std::string::npos)
    c.command = resolve(dir, c.command);
  c.args = r.strings_or_empty(v, ptr, "args");
  if (v.contains("env")) c.env = r.string_map(v["env"], pointer_join(ptr, "env"));
  c.ready.http_path.clear();   // default readiness: TCP connect
  if (v.contains("ready")) read_ready(r, pointer_join(ptr, "ready"), v["ready"], c.ready);
  c.url = r.string_or(v, ptr, "url", "http://127.0.0.1:{{port}}");
  if (v.contains("tls")) read_tls(r, pointer_join(ptr, "tls"), v["tls"], dir, c.tls);
}

void read_external(const StrictReader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  r.object(v, ptr, {"url", "tls"}, {"url"});
  c.url = r.string(v["url"], pointer_join(ptr, "url"));
  if (v.contains("tls")) read_tls(r, pointer_join(ptr, "tls"), v["tls"], dir, c.tls);
}

void read_component(const StrictReader& r, const std::string& ptr, const std::string& name, const json& v,
                    const fs::path& dir, ComponentSpec& c) {
  static const std::regex name_re("^[a-z][a-z0-9_]*$");
  c.name = name;
  c.loc = loc_of(r.doc(), ptr);
  if (!std::regex_match(name, name_re))
    r.fail(ptr, "component name '" + name + "' must match [a-z][a-z0-9_]* (it is a template variable)");
  const auto& reserved = topology_template_names();
  if (std::find(reserved.begin(), reserved.end(), name) != reserved.end())
    r.fail(ptr, "component name '" + name + "' is reserved");
  r.object(v, ptr, {"stub", "role", "args", "faults", "spawn", "external", "audit", "depends_on"});
  int kinds = int(v.contains("stub")) + int(v.contains("spawn")) + int(v.contains("external"));
  if (kinds != 1) r.fail(ptr, "component '" + name + "' needs exactly one of stub, spawn, external");

  if (v.contains("stub")) {
    c.kind = "stub";
    const std::string p = pointer_join(ptr, "stub");
    c.stub_role = r.string(v["stub"], p);
    r.one_of(c.stub_role, p, {"authority", "gateway", "backend"});
    if (c.stub_role == "backend") {
      if (!v.contains("role")) r.missing(ptr, "role", "a stub backend's role");
      c.backend_role = r.string(v["role"], pointer_join(ptr, "role"));
      if (!std::regex_match(c.backend_role, name_re)) r.fail(pointer_join(ptr, "role"), "must match [a-z][a-z0-9_]*");
    } else if (v.contains("role")) {
      r.fail(pointer_join(ptr, "role"), "role is for stub: backend");
    }
    c.stub_args = r.strings_or_empty(v, ptr, "args");
    c.faults = r.strings_or_empty(v, ptr, "faults");
  } else {
    for (const char* key : {"role", "args", "faults"})
      if (v.contains(key)) r.fail(pointer_join(ptr, key), std::string(key) + " is for stub components");
    if (v.contains("spawn")) {
      c.kind = "spawn";
      read_spawn(r, pointer_join(ptr, "spawn"), v["spawn"], dir, c);
    } else {
      c.kind = "external";
      read_external(r, pointer_join(ptr, "external"), v["external"], dir, c);
    }
  }
  c.audit = AuditSourceSpec{};
  if (c.kind == "stub") c.audit = AuditSourceSpec{"stub", "", kStubAuditDeadlineMs, true};
  if (v.contains("audit")) read_audit(r, pointer_join(ptr, "audit"), v["audit"], dir, c);
  c.depends_on = r.strings_or_empty(v, ptr, "depends_on");
}

void add_dependency(ComponentSpec& c, const std::string& other) {
  if (std::find(c.depends_on.begin(), c.depends_on.end(), other) == c.depends_on.end()) c.depends_on.push_back(other);
}

// Components named in templates become dependencies; any other name is an error.
void link_references(const StrictReader& r, Topology& t, const std::map<std::string, std::size_t>& index) {
  const auto& builtin = topology_template_names();
  for (auto& c : t.components) {
    std::vector<std::pair<std::string, std::string>> texts;   // pointer, template
    const std::string base = c.loc.pointer;
    if (c.kind == "spawn") {
      texts.push_back({pointer_join(base, "spawn") + "/command", c.command});
      for (std::size_t i = 0; i < c.args.size(); ++i) texts.push_back({pointer_join(base + "/spawn/args", i), c.args[i]});
      for (const auto& [k, x] : c.env) texts.push_back({pointer_join(base + "/spawn/env", k), x});
      texts.push_back({base + "/spawn/url", c.url});
    } else if (c.kind == "external") {
      texts.push_back({base + "/external/url", c.url});
    }
    if (c.audit.kind == "http") texts.push_back({base + "/audit/http", c.audit.location});
    for (const auto& [ptr, text] : texts) {
      auto vars = template_variables(text, loc_of(r.doc(), ptr));
      if (!vars) reject(vars.error());
      for (const auto& v : *vars) {
        if (index.count(v)) {
          if (ptr.find("/audit/") == std::string::npos) add_dependency(c, v);
          continue;
        }
        bool audit_only = v == "correlation_id" && ptr.find("/audit/") != std::string::npos;
        if (!audit_only && std::find(builtin.begin(), builtin.end(), v) == builtin.end())
          r.fail(ptr, "unknown reference '{{" + v + "}}': not a component nor one of port, env, shared_secret, "
                              "stub_binary, fixtures, profile, contract, reports");
      }
    }
    for (std::size_t i = 0; i < c.depends_on.size(); ++i)
      if (!index.count(c.depends_on[i]))
        r.fail(pointer_join(base + "/depends_on", i), "unknown component '" + c.depends_on[i] + "'");
    if (c.kind == "stub" && c.stub_role == "gateway") {
      // The gateway stub is told where the authority and every stub backend are (docs/topology.md).
      if (!index.count("authority")) r.fail(base, "a stub gateway needs a component named 'authority'");
      add_dependency(c, "authority");
      for (const auto& other : t.components)
        if (other.kind == "stub" && other.stub_role == "backend") add_dependency(c, other.name);
    }
  }
}

void find_cycle(const StrictReader& r, const Topology& t, const std::map<std::string, std::size_t>& index) {
  std::vector<int> state(t.components.size(), 0);   // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    state[i] = 1;
    path.push_back(t.components[i].name);
    for (const auto& d : t.components[i].depends_on) {
      std::size_t j = index.at(d);
      if (state[j] == 1) {
        std::string chain;
        auto from = std::find(path.begin(), path.end(), d);
        for (auto it = from; it != path.end(); ++it) chain += *it + " -> ";
        r.fail(t.components[j].loc.pointer, "dependency cycle: " + chain + d);
      }
      if (state[j] == 0) visit(j);
    }
    path.pop_back();
    state[i] = 2;
  };
  for (std::size_t i = 0; i < t.components.size(); ++i)
    if (state[i] == 0) visit(i);
}

void read_topology(const StrictReader& r, const fs::path& dir, Topology& t) {
  const json& root = r.root();
  r.object(root, "", {"profile", "fixtures", "capabilities", "bindings", "pack", "clauses", "components"},
           {"profile", "components"});
  t.profile = resolve(dir, r.string(root["profile"], "/profile"));
  t.fixtures = resolve(dir, r.string_or(root, "", "fixtures"));
  t.bindings = resolve(dir, r.string_or(root, "", "bindings"));
  for (auto& cap : r.strings_or_empty(root, "", "capabilities")) t.capabilities.insert(cap);
  for (auto& path : r.strings_or_empty(root, "", "pack")) t.pack.push_back(resolve(dir, path));
  t.clauses = r.strings_or_empty(root, "", "clauses");
  for (std::size_t i = 0; i < t.clauses.size(); ++i)
    if (!is_clause_selector(t.clauses[i]))
      r.fail(pointer_join("/clauses", i), "'" + t.clauses[i] + "' is neither a clause id (A8) nor a family (P)");
  const json& comps = root["components"];
  if (!comps.is_object() || comps.empty()) r.fail("/components", "components must be a non-empty map");
  std::map<std::string, std::size_t> index;
  for (const auto& name : r.keys_in_order("/components")) {   // file order: ties in start order keep it
    ComponentSpec c;
    read_component(r, pointer_join("/components", name), name, comps[name], dir, c);
    if (c.kind == "stub" && t.fixtures.empty()) r.missing("", "fixtures", "the topology starts stubs");
    index[name] = t.components.size();
    t.components.push_back(std::move(c));
  }
  link_references(r, t, index);
  find_cycle(r, t, index);
}

}  // namespace

const std::vector<std::string>& topology_template_names() {
  static const std::vector<std::string> names{"port", "second_port", "env", "shared_secret", "stub_binary",
                                              "fixtures", "profile", "contract", "reports"};
  return names;
}

Result<Topology> load_topology(const std::string& path) {
  auto doc = load_document(path);
  if (!doc) return doc.error();
  Topology t;
  t.file = path;
  const fs::path dir = fs::path(path).parent_path();
  auto read = read_strictly([&] { read_topology(StrictReader(*doc), dir.empty() ? fs::path(".") : dir, t); });
  if (!read) return read.error();
  return t;
}

std::vector<std::size_t> start_order(const Topology& topology) {
  const auto& comps = topology.components;
  std::vector<std::size_t> order;
  std::vector<bool> started(comps.size(), false);
  auto is_started = [&](const std::string& name) {
    for (std::size_t i = 0; i < comps.size(); ++i)
      if (comps[i].name == name) return bool(started[i]);
    return true;   // unknown names were rejected at load time
  };
  // Kahn's algorithm, always taking the first ready component in file order (n is small).
  while (order.size() < comps.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < comps.size() && !progressed; ++i) {
      if (started[i]) continue;
      if (std::all_of(comps[i].depends_on.begin(), comps[i].depends_on.end(), is_started)) {
        started[i] = true;
        order.push_back(i);
        progressed = true;
      }
    }
    if (!progressed) break;   // a cycle: load_topology rejects those
  }
  return order;
}

}  // namespace tc
