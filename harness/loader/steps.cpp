#include "harness/loader/steps.h"

#include <algorithm>
#include <filesystem>

#include "common/http_client.h"
#include "common/input_file.h"
#include "common/json_text.h"
#include "common/strict.h"
#include "common/text.h"
#include "harness/loader/expectation_registry.h"
#include "harness/loader/variables.h"
#include "harness/template/expression.h"
#include "harness/template/template.h"
#include "harness/template/substitute.h"

namespace tc::loader {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kStepKeys{"name", "vars", "request", "capture", "expect", "cleanup", "requires", "repeat"};
const std::vector<std::string> kIncludeKeys{"include", "with", "requires"};
const std::vector<std::string> kRequestKeys{"method", "url", "headers", "query", "form",
                                            "json", "body", "timeout_ms", "follow_redirects", "hosts", "source_address"};
const std::vector<std::string> kStepFileKeys{"$schema", "description", "params", "steps"};
const std::vector<std::string> kCaptureSources{"json", "header", "regex", "jwt", "cookie"};

std::string scalar_text(const StrictReader& r, const json& v, const std::string& pointer) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  r.fail(pointer, "expected a string, number or boolean, got " + describe_type(v));
}

// A map of name -> value or list of values (repeated), order kept as loaded.
NameValues read_name_values(const StrictReader& r, const json& node, const std::string& pointer) {
  r.map(node, pointer);
  NameValues out;
  for (const auto& [k, v] : node.items()) {
    std::string p = pointer_join(pointer, k);
    if (!v.is_array()) {
      out.emplace_back(k, scalar_text(r, v, p));
      continue;
    }
    for (std::size_t i = 0; i < v.size(); ++i) out.emplace_back(k, scalar_text(r, v[i], pointer_join(p, i)));
  }
  return out;
}

RequestSpec read_request(const StrictReader& r, const json& node, const std::string& ptr) {
  r.object(node, ptr, kRequestKeys, {"url"});
  RequestSpec req;
  req.loc = loc_of(r.doc(), ptr);
  if (node.contains("method")) req.method = r.string(node["method"], pointer_join(ptr, "method"));
  req.url = r.string(node["url"], pointer_join(ptr, "url"));
  int bodies = 0;
  for (const char* key : {"form", "json", "body"}) bodies += node.contains(key) ? 1 : 0;
  if (bodies > 1) r.fail(ptr, "a request has at most one of form, json and body");
  for (auto [key, target] : {std::pair{"headers", &req.headers}, {"query", &req.query}, {"form", &req.form}})
    if (node.contains(key)) *target = read_name_values(r, node[key], pointer_join(ptr, key));
  if (node.contains("json")) req.json_body = node["json"];
  if (node.contains("body")) req.body = r.string(node["body"], pointer_join(ptr, "body"));
  // A request waits at most ten minutes: the run's own deadline is the tool for longer waits.
  if (node.contains("timeout_ms"))
    req.timeout_ms = r.positive(node["timeout_ms"], pointer_join(ptr, "timeout_ms"), 600000, "milliseconds");
  if (node.contains("follow_redirects"))
    req.follow_redirects = r.boolean(node["follow_redirects"], pointer_join(ptr, "follow_redirects"));
  if (node.contains("source_address")) {
    req.source_address = r.string(node["source_address"], pointer_join(ptr, "source_address"));
    if (req.source_address.empty()) r.fail(pointer_join(ptr, "source_address"), "expected an IP address of this machine");
  }
  if (node.contains("hosts")) {
    const std::string hp = pointer_join(ptr, "hosts");
    r.map(node["hosts"], hp);
    if (node["hosts"].empty()) r.fail(hp, "hosts maps a host name to the URL it is reached at");
    for (const auto& [host, to] : node["hosts"].items()) {
      if (host.empty() || host.find_first_of(":/ ") != std::string::npos)
        r.fail(pointer_join(hp, host), "'" + host + "' is not a host name (no scheme, port or path)");
      req.hosts.emplace_back(host, r.string(to, pointer_join(hp, host)));
    }
  }
  return req;
}

void check_from(const StrictReader& r, const std::string& from, const std::string& ptr) {
  if (tmpl::has_template(from) || from == "body") return;
  if (from.rfind("json:", 0) == 0 && (from.size() == 5 || from[5] == '/')) return;
  if (from.rfind("header:", 0) == 0 && from.size() > 7) return;
  r.fail(ptr, "'from' is \"body\", \"json:/pointer\" or \"header:Name\", got \"" + from + "\"");
}

std::vector<CaptureSpec> read_captures(const StrictReader& r, const json& node, const std::string& ptr) {
  r.map(node, ptr);
  std::vector<CaptureSpec> out;
  for (const auto& [name, spec] : node.items()) {
    std::string p = pointer_join(ptr, name);
    check_identifier(r, name, p, "capture name");
    std::vector<std::string> allowed = kCaptureSources;
    for (const char* key : {"from", "hop", "host"}) allowed.push_back(key);
    r.object(spec, p, allowed);
    CaptureSpec c;
    c.name = name;
    c.loc = loc_of(r.doc(), p);
    int sources = 0;
    for (const auto& s : kCaptureSources) {
      if (!spec.contains(s)) continue;
      ++sources;
      c.expr = r.string(spec[s], pointer_join(p, s));
      c.source = s == "json" ? CaptureSpec::Source::json
                 : s == "header" ? CaptureSpec::Source::header
                 : s == "regex"  ? CaptureSpec::Source::regex
                 : s == "cookie" ? CaptureSpec::Source::cookie
                                 : CaptureSpec::Source::jwt_claim;
    }
    if (sources != 1) r.fail(p, "a capture has exactly one of: json, header, regex, jwt, cookie");
    const bool cookie = c.source == CaptureSpec::Source::cookie;
    if (spec.contains("host")) {
      if (!cookie) r.fail(pointer_join(p, "host"), "'host' applies only to cookie captures");
      c.from = r.string(spec["host"], pointer_join(p, "host"));
    }
    if (spec.contains("hop")) {
      if (cookie) r.fail(pointer_join(p, "hop"), "'hop' applies to what a response says, not to the cookie jar");
      const std::int64_t hop = r.integer(spec["hop"], pointer_join(p, "hop"));
      if (hop < 0 || hop > kMaxRedirects)
        r.fail(pointer_join(p, "hop"), "a hop is 0 (the first response) to " + std::to_string(kMaxRedirects) +
                                           ", got " + std::to_string(hop));
      c.hop = static_cast<int>(hop);
    }
    if (cookie) {
      if (spec.contains("from")) r.fail(pointer_join(p, "from"), "'from' applies only to regex and jwt captures");
      out.push_back(std::move(c));
      continue;
    }
    if (c.source == CaptureSpec::Source::json && !tmpl::has_template(c.expr) && !c.expr.empty() && c.expr[0] != '/')
      r.fail(pointer_join(p, "json"), "a JSON pointer starts with '/', got \"" + c.expr + "\"");
    if (c.source == CaptureSpec::Source::regex && !tmpl::has_template(c.expr)) r.regex(spec["regex"], pointer_join(p, "regex"));
    c.from = "body";
    if (spec.contains("from")) {
      if (c.source == CaptureSpec::Source::json || c.source == CaptureSpec::Source::header)
        r.fail(pointer_join(p, "from"), "'from' applies only to regex and jwt captures");
      c.from = r.string(spec["from"], pointer_join(p, "from"));
      check_from(r, c.from, pointer_join(p, "from"));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ExpectationSpec> read_expectations(const StrictReader& r, const json& node, const std::string& ptr) {
  r.map(node, ptr);
  std::vector<ExpectationSpec> out;
  for (const auto& [kind, spec] : node.items()) {
    std::string p = pointer_join(ptr, kind);
    const ExpectationKind* k = find_expectation_kind(kind);
    if (!k) r.fail(p, "unknown expectation kind '" + kind + "' (known kinds: " + join(expectation_kind_names(), ", ") + ")");
    if (k->read) k->read(spec, r, p);
    out.push_back(ExpectationSpec{kind, spec, loc_of(r.doc(), p)});
  }
  return out;
}

// Why a step's `repeat` cannot be a count, if it cannot: a whole number 1..kMaxRepeat or a template.
std::optional<std::string> repeat_refused(const json& n) {
  const bool count = n.is_number_integer() && is_repeat_count(n.get<long long>());
  const bool templated = n.is_string() && tmpl::has_template(n.get<std::string>());
  if (count || templated) return std::nullopt;
  return repeat_rule() + ", or a template that renders to one, got " + shortened(json_text(n), 80);
}

StepSpec read_request_step(const StrictReader& r, const json& node, const std::string& ptr) {
  r.object(node, ptr, kStepKeys, {"name", "request"});
  StepSpec s;
  s.loc = loc_of(r.doc(), ptr);
  s.name = r.string(node["name"], pointer_join(ptr, "name"));
  if (s.name.empty()) r.fail(pointer_join(ptr, "name"), "a step name is not empty");
  if (node.contains("vars")) s.vars = read_vars(r, node["vars"], pointer_join(ptr, "vars"));
  s.request = read_request(r, node["request"], pointer_join(ptr, "request"));
  if (node.contains("capture")) s.captures = read_captures(r, node["capture"], pointer_join(ptr, "capture"));
  if (node.contains("expect")) s.expectations = read_expectations(r, node["expect"], pointer_join(ptr, "expect"));
  if (node.contains("cleanup")) s.cleanup = r.boolean(node["cleanup"], pointer_join(ptr, "cleanup"));
  if (node.contains("requires")) s.requires_caps = r.strings(node["requires"], pointer_join(ptr, "requires"));
  if (node.contains("repeat")) {
    if (auto why = repeat_refused(node["repeat"])) r.fail(pointer_join(ptr, "repeat"), *why);
    s.repeat = node["repeat"];
  }
  return s;
}

// Rewrites every template of an included step with the include's params bound.
void bind_params(StepSpec& s, const std::map<std::string, json>& params) {
  auto sub = [&](const json& node, const Loc& loc) {
    auto r = substitute_params(node, params, loc);
    if (!r) reject(r.error());
    return std::move(*r);
  };
  auto text = [&](std::string& s2, const Loc& loc) {
    json v = sub(json(s2), loc);
    s2 = value_text(v);
  };
  auto pairs = [&](NameValues& nv, const Loc& loc) {
    for (auto& [k, v] : nv) {
      text(k, loc);
      text(v, loc);
    }
  };
  text(s.name, s.loc);
  s.vars = sub(s.vars, s.loc);
  if (!s.repeat.is_null()) s.repeat = sub(s.repeat, s.loc);
  RequestSpec& r = s.request;
  text(r.method, r.loc);
  text(r.url, r.loc);
  pairs(r.headers, r.loc);
  pairs(r.query, r.loc);
  pairs(r.form, r.loc);
  pairs(r.hosts, r.loc);
  if (r.json_body) r.json_body = sub(*r.json_body, r.loc);
  if (r.body) text(*r.body, r.loc);
  for (auto& c : s.captures) {
    text(c.expr, c.loc);
    text(c.from, c.loc);
  }
  for (auto& e : s.expectations) e.spec = sub(e.spec, e.loc);
}

std::vector<StepSpec> read_include(const StrictReader& r, const json& node, const std::string& ptr, DocumentCache& cache,
                                   std::vector<std::string>& stack, const std::vector<std::string>& roots) {
  r.object(node, ptr, kIncludeKeys, {"include"});
  std::string inc_ptr = pointer_join(ptr, "include");
  const std::string rel = r.string(node["include"], inc_ptr);
  if (tmpl::has_template(rel)) r.fail(inc_ptr, "an include path is plain text (no templates)");
  std::string path = (fs::path(r.doc().file).parent_path() / rel).lexically_normal().string();
  if (!path_within(path, roots))
    r.fail(inc_ptr, "include '" + rel + "' is outside the pack (" + join(roots, ", ") + "); --include-root DIR allows another folder");
  std::string key = fs::weakly_canonical(path).string();
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (stack[i] != key) continue;
    std::string cycle;
    for (std::size_t j = i; j < stack.size(); ++j) cycle += fs::path(stack[j]).filename().string() + " -> ";
    r.fail(inc_ptr, "include cycle: " + cycle + fs::path(key).filename().string());
  }
  auto cached = cache.find(key);
  if (cached == cache.end()) {
    auto loaded = load_document(path);
    if (!loaded) {
      if (!fs::exists(path)) r.fail(inc_ptr, "included file '" + path + "' does not exist");
      reject(loaded.error());
    }
    cached = cache.emplace(key, std::move(*loaded)).first;
  }
  const StrictReader step_file(cached->second);
  const json& top = step_file.root();
  if (!top.is_object() || !top.contains("steps") || top.contains("scenarios"))
    r.fail(inc_ptr, "'" + path + "' is not a step file (a map with 'steps' and without 'scenarios')");
  step_file.object(top, "", kStepFileKeys, {"steps"});
  if (top.contains("description")) step_file.string(top["description"], "/description");
  const std::vector<std::string> params = step_file.strings_or_empty(top, "", "params");
  for (std::size_t i = 0; i < params.size(); ++i) {
    check_identifier(step_file, params[i], pointer_join("/params", i), "parameter");
    for (std::size_t j = 0; j < i; ++j)
      if (params[j] == params[i]) step_file.fail(pointer_join("/params", i), "duplicate parameter '" + params[i] + "'");
  }
  const std::string list = join(params, ", ");
  std::map<std::string, json> bound;
  std::string with_ptr = pointer_join(ptr, "with");
  if (node.contains("with")) {
    r.map(node["with"], with_ptr);
    for (const auto& [k, v] : node["with"].items()) {
      if (std::find(params.begin(), params.end(), k) == params.end())
        r.fail(pointer_join(with_ptr, k), "'" + rel + "' has no parameter '" + k + "' (params: " + list + ")");
      bound[k] = v;
    }
  }
  for (const auto& p : params)
    if (!bound.count(p)) r.fail(node.contains("with") ? with_ptr : ptr, "missing parameter '" + p + "' for '" + rel + "' (params: " + list + ")");
  stack.push_back(key);
  std::vector<StepSpec> steps = read_steps(step_file, top["steps"], "/steps", cache, stack, roots);
  stack.pop_back();
  std::vector<std::string> required;  // an include's requires: every included step needs them
  if (node.contains("requires")) required = r.strings(node["requires"], pointer_join(ptr, "requires"));
  for (auto& s : steps) {
    bind_params(s, bound);
    // A count passed as a plain value is checked here, where it is written, as one written in the step.
    if (!s.repeat.is_null())
      if (auto why = repeat_refused(s.repeat))
        r.fail(node.contains("with") ? with_ptr : ptr, "step '" + s.name + "' of '" + rel + "': " + *why);
    for (const auto& cap : required)
      if (std::find(s.requires_caps.begin(), s.requires_caps.end(), cap) == s.requires_caps.end())
        s.requires_caps.push_back(cap);
    if (s.included_from.empty()) s.included_from = step_file.doc().file;
  }
  return steps;
}

}  // namespace

StepSpec::Ahead rendered_ahead(const StepSpec& step) {
  // Whether the templates of `node` wait: they call the clock, do not parse, or use one of `captures`.
  auto waits = [&](const json& node, const std::vector<CaptureSpec>& captures) {
    if (template_reads_clock(node)) return true;
    auto used = template_variables(node, step.loc);
    if (!used) return true;
    return std::any_of(captures.begin(), captures.end(), [&](const CaptureSpec& c) {
      return std::find(used->begin(), used->end(), c.name) != used->end();
    });
  };
  StepSpec::Ahead ahead;
  // A capture's own templates are rendered before any capture of the step is applied: only the clock
  // (or a template that does not parse) holds them back.
  ahead.captures = std::none_of(step.captures.begin(), step.captures.end(),
                                [&](const CaptureSpec& c) { return waits(json::array({c.expr, c.from}), {}); });
  for (const auto& e : step.expectations) ahead.specs.push_back(holds_template(e.spec) && !waits(e.spec, step.captures));
  return ahead;
}

std::vector<StepSpec> read_steps(const StrictReader& r, const json& node, const std::string& pointer,
                                 DocumentCache& cache, std::vector<std::string>& include_stack,
                                 const std::vector<std::string>& include_roots) {
  r.array(node, pointer, true);
  std::vector<StepSpec> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string p = pointer_join(pointer, i);
    const json& step = node[i];
    if (!step.is_object()) r.fail(p, "expected a step (a map), got " + describe_type(step));
    if (step.contains("include")) {
      for (auto& s : read_include(r, step, p, cache, include_stack, include_roots)) out.push_back(std::move(s));
    } else {
      out.push_back(read_request_step(r, step, p));
    }
  }
  return out;
}

}  // namespace tc::loader
