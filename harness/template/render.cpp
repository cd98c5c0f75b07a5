// Evaluating templates against a Scope, and listing the variables a template uses.
#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/json_text.h"
#include "harness/template/expression.h"
#include "harness/template/functions.h"
#include "harness/template/template.h"

namespace tc {
namespace {

std::string quoted(const std::string& text) {
  constexpr std::size_t kMax = 160;
  return "\"" + (text.size() > kMax ? text.substr(0, kMax) + "…" : text) + "\"";
}

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& s : path) out += (out.empty() ? "" : ".") + s;
  return out;
}

// Templates are parsed once per text: a step's templates render once per step, repeats and
// includes many times. The cache is bounded (it is emptied when full); texts come from input files.
std::shared_ptr<const tmpl::Parsed> parsed(const std::string& text) {
  constexpr std::size_t kMaxCached = 8192;
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const tmpl::Parsed>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  return cache.emplace(text, std::make_shared<const tmpl::Parsed>(tmpl::parse_template(text))).first->second;
}

Result<std::shared_ptr<const tmpl::Parsed>> parse(const std::string& text, const Loc& loc) {
  auto p = parsed(text);
  if (!p->error.empty()) return input_error(loc.where(), "template syntax: " + p->error + " in " + quoted(text));
  return p;
}

// Why a call cannot be made (unknown function, wrong argument count); empty when it can.
std::string call_problem(const tmpl::Expr& e) {
  const tmpl::Function* f = tmpl::find_function(e.name);
  if (!f) {
    std::string known;
    for (const auto& fn : tmpl::functions()) known += (known.empty() ? "" : ", ") + fn.name;
    return "unknown function '" + e.name + "' (known: " + known + ")";
  }
  if (e.args.size() < f->min_args || e.args.size() > f->max_args)
    return "wrong number of arguments: " + f->signature + " called with " + std::to_string(e.args.size());
  return {};
}

Result<json> eval(const tmpl::Expr& e, const Scope& scope, const std::string& text, const Loc& loc,
                  const TemplateContext& ctx) {
  using K = tmpl::Expr::Kind;
  if (e.kind == K::literal) return e.value;
  if (e.kind == K::path) {
    if (const json* v = scope.lookup(e.path)) return *v;
    std::string name = dotted(e.path);
    if (e.path[0] == "env" && e.path.size() == 2 && !scope.lookup("env"))
      return input_error(loc.where(), "undefined variable '" + name + "' (environment variable " + e.path[1] +
                                          " is not set) in " + quoted(text));
    return input_error(loc.where(), "undefined variable '" + name + "' in " + quoted(text));
  }
  if (std::string why = call_problem(e); !why.empty()) return input_error(loc.where(), why + " in " + quoted(text));
  const tmpl::Function* f = tmpl::find_function(e.name);
  std::vector<json> args;
  for (const auto& a : e.args) {
    auto v = eval(a, scope, text, loc, ctx);
    if (!v) return v.error();
    args.push_back(std::move(*v));
  }
  tmpl::FunctionResult r = f->call(args, ctx);
  if (!r.error.empty()) return input_error(loc.where(), r.error + " in " + quoted(text));
  return std::move(r.value);
}

// A template's text: its segments, each expression's value spliced as text. A variable is read
// where it is, not copied.
Result<std::string> splice(const tmpl::Parsed& t, const Scope& scope, const std::string& text, const Loc& loc,
                           const TemplateContext& ctx) {
  std::string out;
  for (const auto& seg : t.segments) {
    if (!seg.is_expr) {
      out += seg.text;
      continue;
    }
    const json* value = seg.expr.kind == tmpl::Expr::Kind::path ? scope.lookup(seg.expr.path) : nullptr;
    if (value && value->is_string()) {
      out += value->get_ref<const std::string&>();
    } else if (value) {
      out += json_text(*value);
    } else {
      auto v = eval(seg.expr, scope, text, loc, ctx);  // a call, or the undefined variable's error
      if (!v) return v.error();
      out += value_text(*v);
    }
  }
  return out;
}

Result<json> render_string(const std::string& text, const Scope& scope, const Loc& loc, const TemplateContext& ctx,
                           bool keep_type) {
  if (!tmpl::has_template(text)) return json(text);
  auto p = parse(text, loc);
  if (!p) return p.error();
  const tmpl::Parsed& t = **p;
  if (keep_type && t.single_expr()) return eval(t.segments[0].expr, scope, text, loc, ctx);
  auto out = splice(t, scope, text, loc, ctx);
  if (!out) return out.error();
  return json(std::move(*out));
}

Result<Unit> collect(const json& node, const Loc& loc, std::vector<std::string>& out, bool first_only) {
  auto add_text = [&](const std::string& text) -> Result<Unit> {
    auto paths = template_paths(text, loc);
    if (!paths) return paths.error();
    for (auto& p : *paths) {
      std::string v = first_only ? p.substr(0, p.find('.')) : p;
      bool seen = false;
      for (const auto& o : out) seen = seen || o == v;
      if (!seen) out.push_back(v);
    }
    return Unit{};
  };
  if (node.is_string()) return add_text(node.get<std::string>());
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (auto r = add_text(k); !r) return r;
      if (auto r = collect(v, loc, out, first_only); !r) return r;
    }
  } else if (node.is_array()) {
    for (const auto& v : node)
      if (auto r = collect(v, loc, out, first_only); !r) return r;
  }
  return Unit{};
}

}  // namespace

namespace {

// Where a member or element being rendered is below the node render() was given: a chain of
// tokens on the stack, joined into a pointer only when an error names it.
struct Below {
  const Below* up;
  const std::string* key;  // an object's member, else
  std::size_t index;       // an array's element
};

std::string pointer_below(const std::string& base, const Below* below) {
  if (!below) return base;
  std::string up = pointer_below(base, below->up);
  return below->key ? pointer_join(up, *below->key) : pointer_join(up, below->index);
}

// A text's every error is at the location it is rendered at (parse, splice): the pointer of the
// member that holds it is set on the way out.
Result<json> at_member(Result<json> r, const Loc& loc, const Below* below) {
  if (r || !below) return r;
  Error e = r.error();
  e.where.pointer = pointer_below(loc.pointer, below);
  return e;
}

Result<json> render_node(const json& node, const Scope& scope, const Loc& loc, const Below* below,
                         const TemplateContext& ctx) {
  if (node.is_string()) return at_member(render_string(node.get_ref<const std::string&>(), scope, loc, ctx, true), loc, below);
  // A member that holds no template is itself.
  if (node.is_object()) {
    json out = json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      auto key = at_member(render_string(it.key(), scope, loc, ctx, false), loc, below);
      if (!key) return key.error();
      if (!holds_template(*it)) {
        out[key->get<std::string>()] = *it;
        continue;
      }
      const Below member{below, &it.key(), 0};
      auto val = render_node(*it, scope, loc, &member, ctx);
      if (!val) return val.error();
      out[key->get<std::string>()] = std::move(*val);
    }
    return out;
  }
  if (node.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (!holds_template(node[i])) {
        out.push_back(node[i]);
        continue;
      }
      const Below element{below, nullptr, i};
      auto val = render_node(node[i], scope, loc, &element, ctx);
      if (!val) return val.error();
      out.push_back(std::move(*val));
    }
    return out;
  }
  return node;
}

}  // namespace

// A mistake inside names the member or element it is in.
Result<json> render(const json& node, const Scope& scope, const Loc& loc, const TemplateContext& ctx) {
  return render_node(node, scope, loc, nullptr, ctx);
}

Result<std::string> render_text(const std::string& text, const Scope& scope, const Loc& loc,
                                const TemplateContext& ctx) {
  if (!tmpl::has_template(text)) return text;
  auto p = parse(text, loc);
  if (!p) return p.error();
  return splice(**p, scope, text, loc, ctx);
}

bool holds_template(const json& node) {
  if (node.is_string()) return tmpl::has_template(node.get_ref<const std::string&>());
  if (node.is_object())
    for (auto it = node.begin(); it != node.end(); ++it)
      if (tmpl::has_template(it.key()) || holds_template(*it)) return true;
  if (node.is_array())
    for (const auto& v : node)
      if (holds_template(v)) return true;
  return false;
}

Result<std::string> render_text(const std::string& text, const Scope& scope, const Loc& loc,
                                std::initializer_list<std::string_view> tokens, const TemplateContext& ctx) {
  auto v = render_text(text, scope, loc, ctx);
  if (v) return v;
  // A text's every error is at `loc` itself (parse, splice): only its pointer moves down.
  Error e = v.error();
  for (std::string_view t : tokens) e.where.pointer = pointer_join(e.where.pointer, std::string(t));
  return e;
}

Result<std::vector<std::string>> template_paths(const std::string& text, const Loc& loc) {
  std::vector<std::string> out;
  if (!tmpl::has_template(text)) return out;
  auto p = parse(text, loc);
  if (!p) return p.error();
  std::vector<std::vector<std::string>> paths;
  for (const auto& seg : (*p)->segments) {
    if (!seg.is_expr) continue;
    tmpl::collect_paths(seg.expr, paths);
    // Unknown functions and argument counts are known statically: report them at load time.
    if (const tmpl::Expr* bad = tmpl::find_call(seg.expr, [](const tmpl::Expr& e) { return !call_problem(e).empty(); }))
      return input_error(loc.where(), call_problem(*bad) + " in " + quoted(text));
  }
  for (const auto& p2 : paths) out.push_back(dotted(p2));
  return out;
}

Result<std::vector<std::string>> template_variables(const std::string& text, const Loc& loc) {
  std::vector<std::string> out;
  if (auto r = collect(json(text), loc, out, true); !r) return r.error();
  return out;
}

Result<std::vector<std::string>> template_variables(const json& node, const Loc& loc) {
  std::vector<std::string> out;
  if (auto r = collect(node, loc, out, true); !r) return r.error();
  return out;
}

Result<std::vector<std::string>> template_paths(const json& node, const Loc& loc) {
  std::vector<std::string> out;
  if (auto r = collect(node, loc, out, false); !r) return r.error();
  return out;
}

bool template_reads_clock(const json& node) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      if (template_reads_clock(json(it.key())) || template_reads_clock(*it)) return true;
    return false;
  }
  if (node.is_array()) return std::any_of(node.begin(), node.end(), [](const json& v) { return template_reads_clock(v); });
  if (!node.is_string() || !tmpl::has_template(node.get_ref<const std::string&>())) return false;
  const auto p = parsed(node.get_ref<const std::string&>());
  if (!p->error.empty()) return true;
  auto reads_clock = [](const tmpl::Expr& call) {
    const tmpl::Function* f = tmpl::find_function(call.name);
    return f && f->reads_clock;
  };
  return std::any_of(p->segments.begin(), p->segments.end(),
                     [&](const tmpl::Segment& seg) { return seg.is_expr && tmpl::find_call(seg.expr, reads_clock); });
}

std::vector<std::string> template_function_names() {
  std::vector<std::string> out;
  for (const auto& f : tmpl::functions()) out.push_back(f.name);
  return out;
}

}  // namespace tc
