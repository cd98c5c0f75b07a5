#include "harness/template/substitute.h"

#include "common/json_text.h"
#include "harness/template/expression.h"

namespace tc {
namespace {

using Params = std::map<std::string, json>;

struct Rewriter {
  const Params& params;
  const Loc& loc;
  const std::string& text;
  std::string error;

  bool is_param(const tmpl::Expr& e) const {
    return e.kind == tmpl::Expr::Kind::path && params.count(e.path[0]);
  }

  // The value of `param.rest…`: walks a passed JSON value, or extends a passed "{{ path }}".
  std::optional<json> value_at(const std::vector<std::string>& path) {
    json v = params.at(path[0]);
    for (std::size_t i = 1; i < path.size(); ++i) {
      if (v.is_object() && v.contains(path[i])) {
        v = json(v[path[i]]);
        continue;
      }
      if (v.is_string()) {
        tmpl::Parsed p = tmpl::parse_template(v.get<std::string>());
        if (p.error.empty() && p.single_expr() && p.segments[0].expr.kind == tmpl::Expr::Kind::path) {
          tmpl::Expr e = p.segments[0].expr;
          e.path.insert(e.path.end(), path.begin() + static_cast<long>(i), path.end());
          return json("{{ " + tmpl::print_expr(e) + " }}");
        }
      }
      error = "parameter '" + path[0] + "' has no member '" + path[i] + "'";
      return std::nullopt;
    }
    return v;
  }

  // A parameter use inside a function call must become an expression again.
  std::optional<tmpl::Expr> as_expr(const tmpl::Expr& e) {
    if (e.kind == tmpl::Expr::Kind::call) {
      tmpl::Expr out = e;
      for (auto& a : out.args) {
        auto r = as_expr(a);
        if (!r) return std::nullopt;
        a = std::move(*r);
      }
      return out;
    }
    if (!is_param(e)) return e;
    auto v = value_at(e.path);
    if (!v) return std::nullopt;
    tmpl::Expr lit;
    if (v->is_number()) {
      lit.value = *v;
      return lit;
    }
    if (v->is_string()) {
      tmpl::Parsed p = tmpl::parse_template(v->get<std::string>());
      if (p.error.empty() && p.segments.empty()) {
        lit.value = "";
        return lit;
      }
      if (p.error.empty() && p.segments.size() == 1) {
        if (p.single_expr()) return p.segments[0].expr;
        lit.value = p.segments[0].text;
        return lit;
      }
    }
    error = "parameter '" + e.path[0] + "' is passed as " + json_text(*v) +
            ", which cannot be a function argument (pass a literal or a single {{ expression }})";
    return std::nullopt;
  }

  Result<json> fail() {
    return input_error(loc.where(), error + " in \"" + text + "\"");
  }

  Result<json> rewrite() {
    tmpl::Parsed p = tmpl::parse_template(text);
    if (!p.error.empty()) return input_error(loc.where(), "template syntax: " + p.error + " in \"" + text + "\"");
    if (p.single_expr() && is_param(p.segments[0].expr)) {
      auto v = value_at(p.segments[0].expr.path);
      if (!v) return fail();
      return *v;
    }
    std::string out;
    for (const auto& seg : p.segments) {
      if (!seg.is_expr) {
        out += tmpl::escape_literal(seg.text);
      } else if (is_param(seg.expr)) {
        auto v = value_at(seg.expr.path);
        if (!v) return fail();
        out += v->is_string() ? v->get<std::string>() : tmpl::escape_literal(json_text(*v));
      } else {
        auto e = as_expr(seg.expr);
        if (!e) return fail();
        out += "{{ " + tmpl::print_expr(*e) + " }}";
      }
    }
    return json(std::move(out));
  }
};

Result<json> substitute_string(const std::string& text, const Params& params, const Loc& loc) {
  if (!tmpl::has_template(text)) return json(text);
  return Rewriter{params, loc, text, {}}.rewrite();
}

}  // namespace

Result<json> substitute_params(const json& node, const Params& params, const Loc& loc) {
  if (node.is_string()) return substitute_string(node.get<std::string>(), params, loc);
  if (node.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : node.items()) {
      auto key = substitute_string(k, params, loc);
      if (!key) return key.error();
      auto val = substitute_params(v, params, loc);
      if (!val) return val.error();
      out[value_text(*key)] = std::move(*val);
    }
    return out;
  }
  if (node.is_array()) {
    json out = json::array();
    for (const auto& v : node) {
      auto val = substitute_params(v, params, loc);
      if (!val) return val.error();
      out.push_back(std::move(*val));
    }
    return out;
  }
  return node;
}

}  // namespace tc
