#include "harness/loader/steps.h"

#include <filesystem>
#include <regex>

#include "harness/loader/expectation_registry.h"
#include "harness/loader/strict.h"
#include "harness/template/expression.h"
#include "harness/template/substitute.h"

namespace tc::loader {
namespace {

namespace fs = std::filesystem;


const std::vector<std::string> kStepKeys{"name", "vars", "request", "capture", "expect", "cleanup", "requires"};
const std::vector<std::string> kIncludeKeys{"include", "with", "requires"};
const std::vector<std::string> kRequestKeys{"method", "url", "headers", "query", "form",
                                            "json", "body", "timeout_ms", "follow_redirects"};
const std::vector<std::string> kStepFileKeys{"$schema", "description", "params", "steps"};
const std::vector<std::string> kCaptureSources{"json", "header", "regex", "jwt"};

std::string scalar_text(const Document& doc, const json& v, const std::string& pointer) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  reject(doc, pointer, "expected a string, number or boolean, got " + describe_type(v));
}

void check_object_any_keys(const Document& doc, const json& node, const std::string& pointer) {
  if (!node.is_object()) reject(doc, pointer, "expected a map, got " + describe_type(node));
}

// A map of name -> value or list of values (repeated), order kept as loaded.
NameValues read_name_values(const Document& doc, const json& node, const std::string& pointer) {
  check_object_any_keys(doc, node, pointer);
  NameValues out;
  for (const auto& [k, v] : node.items()) {
    std::string p = pointer_join(pointer, k);
    if (!v.is_array()) {
      out.emplace_back(k, scalar_text(doc, v, p));
      continue;
    }
    for (std::size_t i = 0; i < v.size(); ++i) out.emplace_back(k, scalar_text(doc, v[i], pointer_join(p, i)));
  }
  return out;
}

RequestSpec read_request(const Document& doc, const json& node, const std::string& ptr) {
  check_object(doc, node, ptr, kRequestKeys, {"url"});
  RequestSpec r;
  r.loc = loc_of(doc, ptr);
  auto str = [&](const char* key, std::string& out) {
    if (!node.contains(key)) return;
    check_string(doc, node[key], pointer_join(ptr, key));
    out = node[key].get<std::string>();
  };
  str("method", r.method);
  str("url", r.url);
  int bodies = 0;
  for (const char* key : {"form", "json", "body"}) bodies += node.contains(key) ? 1 : 0;
  if (bodies > 1) reject(doc, ptr, "a request has at most one of form, json and body");
  if (node.contains("headers")) {
    check_object_any_keys(doc, node["headers"], pointer_join(ptr, "headers"));
    r.headers = read_name_values(doc, node["headers"], pointer_join(ptr, "headers"));
  }
  for (auto [key, target] : {std::pair{"query", &r.query}, std::pair{"form", &r.form}}) {
    if (!node.contains(key)) continue;
    check_object_any_keys(doc, node[key], pointer_join(ptr, key));
    *target = read_name_values(doc, node[key], pointer_join(ptr, key));
  }
  if (node.contains("json")) r.json_body = node["json"];
  if (node.contains("body")) {
    std::string body;
    str("body", body);
    r.body = body;
  }
  if (node.contains("timeout_ms")) {
    const json& t = node["timeout_ms"];
    if (!t.is_number_integer() || t.get<long long>() <= 0)
      reject(doc, pointer_join(ptr, "timeout_ms"), "expected a positive integer (milliseconds), got " + t.dump());
    r.timeout_ms = t.get<long>();
  }
  if (node.contains("follow_redirects")) {
    check_bool(doc, node["follow_redirects"], pointer_join(ptr, "follow_redirects"));
    r.follow_redirects = node["follow_redirects"].get<bool>();
  }
  return r;
}

void check_from(const Document& doc, const std::string& from, const std::string& ptr) {
  if (tmpl::has_template(from) || from == "body") return;
  if (from.rfind("json:", 0) == 0 && (from.size() == 5 || from[5] == '/')) return;
  if (from.rfind("header:", 0) == 0 && from.size() > 7) return;
  reject(doc, ptr, "'from' is \"body\", \"json:/pointer\" or \"header:Name\", got \"" + from + "\"");
}

std::vector<CaptureSpec> read_captures(const Document& doc, const json& node, const std::string& ptr) {
  check_object_any_keys(doc, node, ptr);
  std::vector<CaptureSpec> out;
  for (const auto& [name, spec] : node.items()) {
    std::string p = pointer_join(ptr, name);
    check_identifier(doc, name, p, "capture name");
    std::vector<std::string> allowed = kCaptureSources;
    allowed.push_back("from");
    check_object(doc, spec, p, allowed);
    CaptureSpec c;
    c.name = name;
    c.loc = loc_of(doc, p);
    int sources = 0;
    for (const auto& s : kCaptureSources) {
      if (!spec.contains(s)) continue;
      ++sources;
      check_string(doc, spec[s], pointer_join(p, s));
      c.expr = spec[s].get<std::string>();
      c.source = s == "json" ? CaptureSpec::Source::json
                 : s == "header" ? CaptureSpec::Source::header
                 : s == "regex"  ? CaptureSpec::Source::regex
                                 : CaptureSpec::Source::jwt_claim;
    }
    if (sources != 1) reject(doc, p, "a capture has exactly one of: json, header, regex, jwt");
    if (c.source == CaptureSpec::Source::json && !tmpl::has_template(c.expr) && !c.expr.empty() && c.expr[0] != '/')
      reject(doc, pointer_join(p, "json"), "a JSON pointer starts with '/', got \"" + c.expr + "\"");
    if (c.source == CaptureSpec::Source::regex && !tmpl::has_template(c.expr)) {
      try {
        std::regex re(c.expr, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        reject(doc, pointer_join(p, "regex"), std::string("invalid regular expression: ") + e.what());
      }
    }
    c.from = "body";
    if (spec.contains("from")) {
      if (c.source == CaptureSpec::Source::json || c.source == CaptureSpec::Source::header)
        reject(doc, pointer_join(p, "from"), "'from' applies only to regex and jwt captures");
      check_string(doc, spec["from"], pointer_join(p, "from"));
      c.from = spec["from"].get<std::string>();
      check_from(doc, c.from, pointer_join(p, "from"));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ExpectationSpec> read_expectations(const Document& doc, const json& node, const std::string& ptr) {
  check_object_any_keys(doc, node, ptr);
  std::vector<ExpectationSpec> out;
  for (const auto& [kind, spec] : node.items()) {
    std::string p = pointer_join(ptr, kind);
    const ExpectationKind* k = find_expectation_kind(kind);
    if (!k) {
      std::string known;
      for (const auto& n : expectation_kind_names()) known += (known.empty() ? "" : ", ") + n;
      reject(doc, p, "unknown expectation kind '" + kind + "' (known kinds: " + known + ")");
    }
    if (k->validate)
      if (auto r = k->validate(spec, doc, p); !r) reject(r.error());
    out.push_back(ExpectationSpec{kind, spec, loc_of(doc, p)});
  }
  return out;
}

json read_vars(const Document& doc, const json& node, const std::string& ptr) {
  check_object_any_keys(doc, node, ptr);
  for (const auto& [name, value] : node.items()) check_identifier(doc, name, pointer_join(ptr, name), "variable");
  return node;
}

StepSpec read_request_step(const Document& doc, const json& node, const std::string& ptr) {
  check_object(doc, node, ptr, kStepKeys, {"name", "request"});
  StepSpec s;
  s.loc = loc_of(doc, ptr);
  check_string(doc, node["name"], pointer_join(ptr, "name"));
  s.name = node["name"].get<std::string>();
  if (s.name.empty()) reject(doc, pointer_join(ptr, "name"), "a step name is not empty");
  if (node.contains("vars")) s.vars = read_vars(doc, node["vars"], pointer_join(ptr, "vars"));
  s.request = read_request(doc, node["request"], pointer_join(ptr, "request"));
  if (node.contains("capture")) s.captures = read_captures(doc, node["capture"], pointer_join(ptr, "capture"));
  if (node.contains("expect")) s.expectations = read_expectations(doc, node["expect"], pointer_join(ptr, "expect"));
  if (node.contains("cleanup")) {
    check_bool(doc, node["cleanup"], pointer_join(ptr, "cleanup"));
    s.cleanup = node["cleanup"].get<bool>();
  }
  if (node.contains("requires")) s.requires_caps = read_string_list(doc, node["requires"], pointer_join(ptr, "requires"));
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
    s2 = v.is_string() ? v.get<std::string>() : v.dump();
  };
  auto pairs = [&](NameValues& nv, const Loc& loc) {
    for (auto& [k, v] : nv) {
      text(k, loc);
      text(v, loc);
    }
  };
  text(s.name, s.loc);
  s.vars = sub(s.vars, s.loc);
  RequestSpec& r = s.request;
  text(r.method, r.loc);
  text(r.url, r.loc);
  pairs(r.headers, r.loc);
  pairs(r.query, r.loc);
  pairs(r.form, r.loc);
  if (r.json_body) r.json_body = sub(*r.json_body, r.loc);
  if (r.body) text(*r.body, r.loc);
  for (auto& c : s.captures) {
    text(c.expr, c.loc);
    text(c.from, c.loc);
  }
  for (auto& e : s.expectations) e.spec = sub(e.spec, e.loc);
}

std::vector<StepSpec> read_include(const Document& doc, const json& node, const std::string& ptr, DocumentCache& cache,
                                   std::vector<std::string>& stack) {
  check_object(doc, node, ptr, kIncludeKeys, {"include"});
  std::string inc_ptr = pointer_join(ptr, "include");
  check_string(doc, node["include"], inc_ptr);
  std::string rel = node["include"].get<std::string>();
  if (tmpl::has_template(rel)) reject(doc, inc_ptr, "an include path is plain text (no templates)");
  std::string path = (fs::path(doc.file).parent_path() / rel).lexically_normal().string();
  std::string key = fs::weakly_canonical(path).string();
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (stack[i] != key) continue;
    std::string cycle;
    for (std::size_t j = i; j < stack.size(); ++j) cycle += fs::path(stack[j]).filename().string() + " -> ";
    reject(doc, inc_ptr, "include cycle: " + cycle + fs::path(key).filename().string());
  }
  auto cached = cache.find(key);
  if (cached == cache.end()) {
    auto loaded = load_document(path);
    if (!loaded) {
      if (!fs::exists(path)) reject(doc, inc_ptr, "included file '" + path + "' does not exist");
      reject(loaded.error());
    }
    cached = cache.emplace(key, std::move(*loaded)).first;
  }
  const Document& step_doc = cached->second;
  const json& top = step_doc.value;
  if (!top.is_object() || !top.contains("steps") || top.contains("scenarios"))
    reject(doc, inc_ptr, "'" + path + "' is not a step file (a map with 'steps' and without 'scenarios')");
  check_object(step_doc, top, "", kStepFileKeys, {"steps"});
  if (top.contains("description")) check_string(step_doc, top["description"], "/description");
  std::vector<std::string> params;
  if (top.contains("params")) params = read_string_list(step_doc, top["params"], "/params");
  for (std::size_t i = 0; i < params.size(); ++i) {
    check_identifier(step_doc, params[i], pointer_join("/params", i), "parameter");
    for (std::size_t j = 0; j < i; ++j)
      if (params[j] == params[i]) reject(step_doc, pointer_join("/params", i), "duplicate parameter '" + params[i] + "'");
  }
  std::string list;
  for (const auto& p : params) list += (list.empty() ? "" : ", ") + p;
  std::map<std::string, json> bound;
  std::string with_ptr = pointer_join(ptr, "with");
  if (node.contains("with")) {
    check_object_any_keys(doc, node["with"], with_ptr);
    for (const auto& [k, v] : node["with"].items()) {
      if (std::find(params.begin(), params.end(), k) == params.end())
        reject(doc, pointer_join(with_ptr, k), "'" + rel + "' has no parameter '" + k + "' (params: " + list + ")");
      bound[k] = v;
    }
  }
  for (const auto& p : params)
    if (!bound.count(p)) reject(doc, node.contains("with") ? with_ptr : ptr, "missing parameter '" + p + "' for '" + rel + "' (params: " + list + ")");
  stack.push_back(key);
  std::vector<StepSpec> steps = read_steps(step_doc, top["steps"], "/steps", cache, stack);
  stack.pop_back();
  std::vector<std::string> required;  // an include's requires: every included step needs them
  if (node.contains("requires")) required = read_string_list(doc, node["requires"], pointer_join(ptr, "requires"));
  for (auto& s : steps) {
    bind_params(s, bound);
    for (const auto& cap : required)
      if (std::find(s.requires_caps.begin(), s.requires_caps.end(), cap) == s.requires_caps.end())
        s.requires_caps.push_back(cap);
    if (s.included_from.empty()) s.included_from = step_doc.file;
  }
  return steps;
}

}  // namespace

std::vector<StepSpec> read_steps(const Document& doc, const json& node, const std::string& pointer,
                                 DocumentCache& cache, std::vector<std::string>& include_stack) {
  check_array(doc, node, pointer, true);
  std::vector<StepSpec> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string p = pointer_join(pointer, i);
    const json& step = node[i];
    if (!step.is_object()) reject(doc, p, "expected a step (a map), got " + describe_type(step));
    if (step.contains("include")) {
      for (auto& s : read_include(doc, step, p, cache, include_stack)) out.push_back(std::move(s));
    } else {
      out.push_back(read_request_step(doc, step, p));
    }
  }
  return out;
}

}  // namespace tc::loader
