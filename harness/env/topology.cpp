// Strict loading of topology files (docs/topology.md). Every check names file:line and the JSON
// pointer of the offending node; the first error wins.
#include "harness/env/topology.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>

#include "harness/template/template.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using Fail = std::optional<Error>;

constexpr long kStubAuditDeadlineMs = 300;   // a /_audit source not declared synchronous (a spawned build)
constexpr long kAuditDeadlineMs = 3000;

class Reader {
 public:
  explicit Reader(const Document& doc) : doc_(doc) {}

  Error error(const std::string& ptr, const std::string& msg) const { return input_error(doc_.where(ptr), msg); }
  Loc loc(const std::string& ptr) const { return Loc{doc_.file, doc_.line_of(ptr), ptr}; }

  Fail keys(const std::string& ptr, const json& obj, const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return error(pointer_join(ptr, key), "unknown key '" + key + "'; allowed: " + list);
    }
    return std::nullopt;
  }

  Fail object(const std::string& ptr, const json& v, const std::string& what) const {
    if (!v.is_object()) return error(ptr, what + " must be a mapping");
    return std::nullopt;
  }

  Fail string(const std::string& ptr, const json& v, std::string& out) const {
    if (!v.is_string()) return error(ptr, "must be a string");
    out = v.get<std::string>();
    return std::nullopt;
  }

  Fail strings(const std::string& ptr, const json& v, std::vector<std::string>& out) const {
    if (!v.is_array()) return error(ptr, "must be a list of strings");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) return error(pointer_join(ptr, i), "must be a string");
      out.push_back(v[i].get<std::string>());
    }
    return std::nullopt;
  }

  Fail string_map(const std::string& ptr, const json& v, std::map<std::string, std::string>& out) const {
    if (!v.is_object()) return error(ptr, "must be a mapping of names to strings");
    for (const auto& [k, x] : v.items()) {
      if (!x.is_string()) return error(pointer_join(ptr, k), "must be a string");
      out[k] = x.get<std::string>();
    }
    return std::nullopt;
  }

  Fail positive(const std::string& ptr, const json& v, long& out) const {
    if (!v.is_number_integer() || v.get<long long>() <= 0) return error(ptr, "must be a positive integer");
    out = static_cast<long>(v.get<long long>());
    return std::nullopt;
  }

 private:
  const Document& doc_;
};

std::string resolve(const fs::path& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (dir / p).lexically_normal().string();
}

bool is_one_of(const std::string& s, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* x) { return s == x; });
}

Fail read_tls(const Reader& r, const std::string& ptr, const json& v, const fs::path& dir, TlsOptions& tls) {
  if (auto f = r.object(ptr, v, "tls")) return f;
  if (auto f = r.keys(ptr, v, {"ca_file", "cert_file", "key_file", "insecure"})) return f;
  for (auto [key, field] : {std::pair{"ca_file", &tls.ca_file}, {"cert_file", &tls.cert_file},
                            {"key_file", &tls.key_file}}) {
    if (!v.contains(key)) continue;
    if (auto f = r.string(pointer_join(ptr, key), v[key], *field)) return f;
    *field = resolve(dir, *field);
  }
  if (v.contains("insecure")) {
    if (!v["insecure"].is_boolean()) return r.error(pointer_join(ptr, "insecure"), "must be true or false");
    tls.insecure = v["insecure"].get<bool>();
  }
  return std::nullopt;
}

Fail read_ready(const Reader& r, const std::string& ptr, const json& v, ReadinessSpec& ready) {
  if (auto f = r.object(ptr, v, "ready")) return f;
  if (auto f = r.keys(ptr, v, {"http", "tcp", "status", "deadline_ms"})) return f;
  if (v.contains("http") == v.contains("tcp")) return r.error(ptr, "ready needs exactly one of http, tcp");
  if (v.contains("http")) {
    if (auto f = r.string(pointer_join(ptr, "http"), v["http"], ready.http_path)) return f;
    if (ready.http_path.empty() || ready.http_path[0] != '/')
      return r.error(pointer_join(ptr, "http"), "must be a path starting with '/'");
  } else if (v["tcp"] != true) {
    return r.error(pointer_join(ptr, "tcp"), "must be true");
  }
  if (v.contains("status")) {
    const json& s = v["status"];
    if (!s.is_number_integer() || s.get<int>() < 100 || s.get<int>() > 599)
      return r.error(pointer_join(ptr, "status"), "must be an HTTP status (100-599)");
    if (ready.http_path.empty()) return r.error(pointer_join(ptr, "status"), "status is for http readiness");
    ready.expect_status = s.get<int>();
  }
  if (v.contains("deadline_ms")) return r.positive(pointer_join(ptr, "deadline_ms"), v["deadline_ms"], ready.deadline_ms);
  return std::nullopt;
}

Fail read_audit(const Reader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  AuditSourceSpec& a = c.audit;
  const auto stub_allowed = [&](const std::string& p) -> Fail {
    if (c.kind == "external") return r.error(p, "audit: stub needs a component the supervisor starts (stub or spawn)");
    return std::nullopt;
  };
  if (v.is_string()) {
    a.kind = v.get<std::string>();
    if (!is_one_of(a.kind, {"stub", "none"}))
      return r.error(ptr, "audit must be stub, none, {stub: true}, {jsonl: path} or {http: url}");
    if (a.kind == "stub") if (auto f = stub_allowed(ptr)) return f;
    a.deadline_ms = a.kind == "stub" ? kStubAuditDeadlineMs : kAuditDeadlineMs;
    // Our own stub records before it answers; a spawned build serving /_audit has not said so.
    a.synchronous = a.kind == "stub" && c.kind == "stub";
    return std::nullopt;
  }
  if (auto f = r.object(ptr, v, "audit")) return f;
  if (auto f = r.keys(ptr, v, {"stub", "jsonl", "http", "deadline_ms", "synchronous"})) return f;
  const int sources = int(v.contains("stub")) + int(v.contains("jsonl")) + int(v.contains("http"));
  if (sources != 1) return r.error(ptr, "audit needs exactly one of stub, jsonl, http");
  if (v.contains("stub")) {
    if (v["stub"] != true) return r.error(pointer_join(ptr, "stub"), "must be true");
    if (auto f = stub_allowed(ptr)) return f;
    a.kind = "stub";
    a.deadline_ms = kStubAuditDeadlineMs;
  } else {
    a.kind = v.contains("jsonl") ? "jsonl" : "http";
    if (auto f = r.string(pointer_join(ptr, a.kind), v[a.kind], a.location)) return f;
    if (a.kind == "jsonl") a.location = resolve(dir, a.location);
    a.deadline_ms = kAuditDeadlineMs;
  }
  a.synchronous = a.kind == "stub" && c.kind == "stub";
  if (v.contains("synchronous")) {
    if (!v["synchronous"].is_boolean()) return r.error(pointer_join(ptr, "synchronous"), "must be true or false");
    a.synchronous = v["synchronous"].get<bool>();
  }
  if (v.contains("deadline_ms")) return r.positive(pointer_join(ptr, "deadline_ms"), v["deadline_ms"], a.deadline_ms);
  return std::nullopt;
}

Fail read_spawn(const Reader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  if (auto f = r.object(ptr, v, "spawn")) return f;
  if (auto f = r.keys(ptr, v, {"command", "args", "env", "ready", "url", "tls"})) return f;
  if (!v.contains("command")) return r.error(ptr, "missing required key 'command'");
  if (auto f = r.string(pointer_join(ptr, "command"), v["command"], c.command)) return f;
  if (c.command.empty()) return r.error(pointer_join(ptr, "command"), "must not be empty");
  // A relative path is relative to the topology's folder; a bare name is looked up in PATH.
  if (c.command.find('/') != std::string::npos && c.command.find("{{") == std::string::npos)
    c.command = resolve(dir, c.command);
  if (v.contains("args")) if (auto f = r.strings(pointer_join(ptr, "args"), v["args"], c.args)) return f;
  if (v.contains("env")) if (auto f = r.string_map(pointer_join(ptr, "env"), v["env"], c.env)) return f;
  c.ready.http_path.clear();   // default readiness: TCP connect
  if (v.contains("ready")) if (auto f = read_ready(r, pointer_join(ptr, "ready"), v["ready"], c.ready)) return f;
  c.url = "http://127.0.0.1:{{port}}";
  if (v.contains("url")) if (auto f = r.string(pointer_join(ptr, "url"), v["url"], c.url)) return f;
  if (v.contains("tls")) return read_tls(r, pointer_join(ptr, "tls"), v["tls"], dir, c.tls);
  return std::nullopt;
}

Fail read_external(const Reader& r, const std::string& ptr, const json& v, const fs::path& dir, ComponentSpec& c) {
  if (auto f = r.object(ptr, v, "external")) return f;
  if (auto f = r.keys(ptr, v, {"url", "tls"})) return f;
  if (!v.contains("url")) return r.error(ptr, "missing required key 'url'");
  if (auto f = r.string(pointer_join(ptr, "url"), v["url"], c.url)) return f;
  if (v.contains("tls")) return read_tls(r, pointer_join(ptr, "tls"), v["tls"], dir, c.tls);
  return std::nullopt;
}

Fail read_component(const Reader& r, const std::string& ptr, const std::string& name, const json& v,
                    const fs::path& dir, ComponentSpec& c) {
  static const std::regex name_re("^[a-z][a-z0-9_]*$");
  c.name = name;
  c.loc = r.loc(ptr);
  if (!std::regex_match(name, name_re))
    return r.error(ptr, "component name '" + name + "' must match [a-z][a-z0-9_]* (it is a template variable)");
  const auto& reserved = topology_template_names();
  if (std::find(reserved.begin(), reserved.end(), name) != reserved.end())
    return r.error(ptr, "component name '" + name + "' is reserved");
  if (auto f = r.object(ptr, v, "component '" + name + "'")) return f;
  if (auto f = r.keys(ptr, v, {"stub", "role", "args", "faults", "spawn", "external", "audit", "depends_on"})) return f;
  int kinds = int(v.contains("stub")) + int(v.contains("spawn")) + int(v.contains("external"));
  if (kinds != 1) return r.error(ptr, "component '" + name + "' needs exactly one of stub, spawn, external");

  if (v.contains("stub")) {
    c.kind = "stub";
    const std::string p = pointer_join(ptr, "stub");
    if (auto f = r.string(p, v["stub"], c.stub_role)) return f;
    if (!is_one_of(c.stub_role, {"authority", "gateway", "backend"}))
      return r.error(p, "stub must be one of authority, gateway, backend");
    if (c.stub_role == "backend") {
      if (!v.contains("role")) return r.error(ptr, "missing required key 'role' (a stub backend's role)");
      if (auto f = r.string(pointer_join(ptr, "role"), v["role"], c.backend_role)) return f;
      if (!std::regex_match(c.backend_role, name_re)) return r.error(pointer_join(ptr, "role"), "must match [a-z][a-z0-9_]*");
    } else if (v.contains("role")) {
      return r.error(pointer_join(ptr, "role"), "role is for stub: backend");
    }
    if (v.contains("args")) if (auto f = r.strings(pointer_join(ptr, "args"), v["args"], c.stub_args)) return f;
    if (v.contains("faults")) if (auto f = r.strings(pointer_join(ptr, "faults"), v["faults"], c.faults)) return f;
  } else {
    for (const char* key : {"role", "args", "faults"})
      if (v.contains(key)) return r.error(pointer_join(ptr, key), std::string(key) + " is for stub components");
    if (v.contains("spawn")) {
      c.kind = "spawn";
      if (auto f = read_spawn(r, pointer_join(ptr, "spawn"), v["spawn"], dir, c)) return f;
    } else {
      c.kind = "external";
      if (auto f = read_external(r, pointer_join(ptr, "external"), v["external"], dir, c)) return f;
    }
  }
  c.audit = AuditSourceSpec{};
  if (c.kind == "stub") c.audit = AuditSourceSpec{"stub", "", kStubAuditDeadlineMs, true};
  if (v.contains("audit")) if (auto f = read_audit(r, pointer_join(ptr, "audit"), v["audit"], dir, c)) return f;
  if (v.contains("depends_on"))
    if (auto f = r.strings(pointer_join(ptr, "depends_on"), v["depends_on"], c.depends_on)) return f;
  return std::nullopt;
}

void add_dependency(ComponentSpec& c, const std::string& other) {
  if (std::find(c.depends_on.begin(), c.depends_on.end(), other) == c.depends_on.end()) c.depends_on.push_back(other);
}

// Components named in templates become dependencies; any other name is an error.
Fail link_references(const Reader& r, Topology& t, const std::map<std::string, std::size_t>& index) {
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
      auto vars = template_variables(text, r.loc(ptr));
      if (!vars) return vars.error();
      for (const auto& v : *vars) {
        if (index.count(v)) {
          if (ptr.find("/audit/") == std::string::npos) add_dependency(c, v);
          continue;
        }
        bool audit_only = v == "correlation_id" && ptr.find("/audit/") != std::string::npos;
        if (!audit_only && std::find(builtin.begin(), builtin.end(), v) == builtin.end())
          return r.error(ptr, "unknown reference '{{" + v + "}}': not a component nor one of port, env, shared_secret, "
                              "stub_binary, fixtures, profile, reports");
      }
    }
    for (std::size_t i = 0; i < c.depends_on.size(); ++i)
      if (!index.count(c.depends_on[i]))
        return r.error(pointer_join(base + "/depends_on", i), "unknown component '" + c.depends_on[i] + "'");
    if (c.kind == "stub" && c.stub_role == "gateway") {
      // The gateway stub is told where the authority and every stub backend are (docs/topology.md).
      if (!index.count("authority")) return r.error(base, "a stub gateway needs a component named 'authority'");
      add_dependency(c, "authority");
      for (const auto& other : t.components)
        if (other.kind == "stub" && other.stub_role == "backend") add_dependency(c, other.name);
    }
  }
  return std::nullopt;
}

Fail find_cycle(const Reader& r, const Topology& t, const std::map<std::string, std::size_t>& index) {
  std::vector<int> state(t.components.size(), 0);   // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<Fail(std::size_t)> visit = [&](std::size_t i) -> Fail {
    state[i] = 1;
    path.push_back(t.components[i].name);
    for (const auto& d : t.components[i].depends_on) {
      std::size_t j = index.at(d);
      if (state[j] == 1) {
        std::string chain;
        auto from = std::find(path.begin(), path.end(), d);
        for (auto it = from; it != path.end(); ++it) chain += *it + " -> ";
        return r.error(t.components[j].loc.pointer, "dependency cycle: " + chain + d);
      }
      if (state[j] == 0)
        if (auto f = visit(j)) return f;
    }
    path.pop_back();
    state[i] = 2;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < t.components.size(); ++i)
    if (state[i] == 0)
      if (auto f = visit(i)) return f;
  return std::nullopt;
}

Fail read_topology(const Reader& r, const json& root, const fs::path& dir, Topology& t) {
  if (auto f = r.object("", root, "a topology")) return f;
  if (auto f = r.keys("", root, {"profile", "fixtures", "capabilities", "bindings", "components"})) return f;
  for (const char* key : {"profile", "components"})
    if (!root.contains(key)) return r.error("", std::string("missing required key '") + key + "'");
  if (auto f = r.string("/profile", root["profile"], t.profile)) return f;
  t.profile = resolve(dir, t.profile);
  if (root.contains("fixtures")) {
    if (auto f = r.string("/fixtures", root["fixtures"], t.fixtures)) return f;
    t.fixtures = resolve(dir, t.fixtures);
  }
  if (root.contains("bindings")) {
    if (auto f = r.string("/bindings", root["bindings"], t.bindings)) return f;
    t.bindings = resolve(dir, t.bindings);
  }
  if (root.contains("capabilities")) {
    std::vector<std::string> caps;
    if (auto f = r.strings("/capabilities", root["capabilities"], caps)) return f;
    t.capabilities.insert(caps.begin(), caps.end());
  }
  const json& comps = root["components"];
  if (!comps.is_object() || comps.empty()) return r.error("/components", "components must be a non-empty mapping");
  std::map<std::string, std::size_t> index;
  for (const auto& [name, v] : comps.items()) {
    ComponentSpec c;
    if (auto f = read_component(r, pointer_join("/components", name), name, v, dir, c)) return f;
    if (c.kind == "stub" && t.fixtures.empty())
      return r.error("", "missing required key 'fixtures' (the topology starts stubs)");
    index[name] = t.components.size();
    t.components.push_back(std::move(c));
  }
  // nlohmann's object keeps keys sorted; restore file order from the recorded lines.
  std::stable_sort(t.components.begin(), t.components.end(),
                   [](const ComponentSpec& a, const ComponentSpec& b) { return a.loc.line < b.loc.line; });
  index.clear();
  for (std::size_t i = 0; i < t.components.size(); ++i) index[t.components[i].name] = i;
  if (auto f = link_references(r, t, index)) return f;
  return find_cycle(r, t, index);
}

}  // namespace

const std::vector<std::string>& topology_template_names() {
  static const std::vector<std::string> names{"port", "env", "shared_secret", "stub_binary",
                                              "fixtures", "profile", "reports"};
  return names;
}

Result<Topology> load_topology(const std::string& path) {
  auto doc = load_document(path);
  if (!doc) return doc.error();
  Topology t;
  t.file = path;
  const fs::path dir = fs::path(path).parent_path();
  Reader r(*doc);
  if (auto f = read_topology(r, doc->value, dir.empty() ? fs::path(".") : dir, t)) return *f;
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
