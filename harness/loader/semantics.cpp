#include "harness/loader/semantics.h"

#include <algorithm>
#include <map>

#include "common/json_match.h"
#include "harness/template/template.h"

namespace tc {
namespace {

const std::set<std::string> kMethods{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};

std::string joined(const std::vector<std::string>& items, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (out.empty() ? "" : ", ") + items[i];
  if (items.size() > limit) out += ", …";
  return out;
}

std::string joined(const std::set<std::string>& items) { return joined(std::vector<std::string>(items.begin(), items.end())); }

Loc at(const Loc& base, const std::string& token) {
  Loc l = base;
  l.pointer = pointer_join(base.pointer, token);
  return l;
}

class Checker {
 public:
  Checker(const SemanticRules& rules, std::vector<Error>& out) : rules_(rules), out_(out) {}

  void fail(const Loc& loc, const std::string& message) { out_.push_back(input_error(loc.where(), message)); }

  // Every string of `node` (keys too) as a template.
  void deep(const json& node, const Loc& loc) {
    if (!rules_.bindings) return;  // no template can name a bound entry: nothing to walk
    if (node.is_string()) return text(node.get<std::string>(), loc);
    if (node.is_object())
      for (const auto& [k, v] : node.items()) {
        text(k, loc);
        deep(v, at(loc, k));
      }
    if (node.is_array())
      for (std::size_t i = 0; i < node.size(); ++i) deep(node[i], at(loc, std::to_string(i)));
  }

  // `t` / `node` at `token` below `base`, its location built only when there are bindings.
  void text_at(const std::string& t, const Loc& base, const std::string& token) {
    if (rules_.bindings) text(t, at(base, token));
  }
  void deep_at(const json& node, const Loc& base, const std::string& token) {
    if (rules_.bindings) deep(node, at(base, token));
  }

  void text(const std::string& t, const Loc& loc) {
    if (!rules_.bindings || t.find("{{") == std::string::npos) return;
    auto paths = template_paths(t, loc);
    if (!paths) return;  // the loader reported the syntax
    for (const auto& path : *paths)
      if (path.rfind("fx.", 0) == 0) bound(path, loc);
  }

  // `path` ("fx.items.platform.alpha") names an entry of the bindings.
  void bound(const std::string& path, const Loc& loc) {
    const json* node = rules_.bindings;
    std::string walked = "fx";
    std::size_t pos = 3;
    while (pos <= path.size()) {
      std::size_t next = path.find('.', pos);
      if (next == std::string::npos) next = path.size();
      const std::string seg = path.substr(pos, next - pos);
      const json* child = nullptr;
      if (node->is_object() && node->contains(seg)) child = &(*node)[seg];
      if (node->is_array() && !seg.empty() && seg.size() < 9 && seg.find_first_not_of("0123456789") == std::string::npos &&
          std::stoul(seg) < node->size())
        child = &(*node)[std::stoul(seg)];
      if (!child) {
        std::vector<std::string> has;
        if (node->is_object())
          for (const auto& [k, v] : node->items()) has.push_back(k);
        std::string where = rules_.bindings_file.empty() ? "the bindings" : rules_.bindings_file;
        return fail(loc, "unknown bound name '" + path + "': " + where + " has no '" + seg + "' under " + walked +
                             (has.empty() ? "" : " (it has: " + joined(has) + ")"));
      }
      node = child;
      walked += "." + seg;
      pos = next + 1;
    }
  }

  // A step's findings in file order.
  void step(const StepSpec& st, bool runs_here) {
    text_at(st.name, st.loc, "name");
    deep_at(st.vars, st.loc, "vars");
    deep_at(st.repeat, st.loc, "repeat");
    const RequestSpec& r = st.request;
    text_at(r.url, r.loc, "url");
    if (r.method.find("{{") != std::string::npos) {
      text_at(r.method, r.loc, "method");
    } else if (!kMethods.count(r.method)) {
      fail(at(r.loc, "method"), "'" + r.method + "' is not an HTTP method (" +
                                    std::string(kMethods.count(upper(r.method)) ? "methods are upper case: " : "") +
                                    joined(std::vector<std::string>{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
                                                                    "OPTIONS", "TRACE", "CONNECT"}) +
                                    ")");
    }
    for (const auto* pairs : {&r.headers, &r.query, &r.form, &r.hosts})
      for (const auto& [k, v] : *pairs) {
        text(k, r.loc);
        text(v, r.loc);
      }
    if (r.json_body) deep_at(*r.json_body, r.loc, "json");
    if (!r.source_address.empty()) text_at(r.source_address, r.loc, "source_address");
    if (r.body) text_at(*r.body, r.loc, "body");
    for (const auto& c : st.captures) {
      text(c.expr, c.loc);
      text(c.from, c.loc);
    }
    for (const auto& e : st.expectations) {
      deep(e.spec, e.loc);
      if (e.kind == "audit" && runs_here) audit_components(e);
    }
    if (st.expectations.empty() && !says_expect(st.loc))
      fail(st.loc, "step '" + st.name + "' checks nothing: give it an expectation (expect: {status: …}), or "
                   "`expect: {}` to say it checks nothing on purpose");
  }

  // Whether the step at `loc` has an `expect` key (`expect: {}`: nothing to check, on purpose).
  bool says_expect(const Loc& loc) {
    const Document* doc = document(loc.file);
    const json* step = doc ? find_pointer(doc->value, loc.pointer) : nullptr;
    return !step || (step->is_object() && step->contains("expect"));
  }

  // A file a step came from, read once; nullptr when it cannot be (the loader read it a moment ago).
  const Document* document(const std::string& file) {
    auto it = docs_.find(file);
    if (it == docs_.end()) {
      auto doc = load_document(file);
      if (!doc) return nullptr;
      it = docs_.emplace(file, std::move(*doc)).first;
    }
    return &it->second;
  }

  void audit_components(const ExpectationSpec& e) {
    if (!rules_.components || !e.spec.is_array()) return;
    for (std::size_t i = 0; i < e.spec.size(); ++i) {
      const json& entry = e.spec[i];
      if (!entry.is_object() || !entry.contains("component") || !entry["component"].is_string()) continue;
      const std::string name = entry["component"].get<std::string>();
      if (name.find("{{") != std::string::npos || rules_.components->count(name)) continue;
      fail(at(at(e.loc, std::to_string(i)), "component"),
           "audit component '" + name + "' is not a component of the topology (" + joined(*rules_.components) + ")");
    }
  }

  // A step file's parameters are each used by its steps (an unused one is a misspelt use).
  void step_file_params(const std::string& file) {
    if (!params_checked_.insert(file).second) return;
    const Document* doc = document(file);
    if (!doc || !doc->value.is_object() || !doc->value.contains("params") || !doc->value.contains("steps")) return;
    const json& params = doc->value["params"];
    if (!params.is_array()) return;
    auto used = template_variables(doc->value["steps"], Loc{file, 1, "/steps"});
    if (!used) return;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!params[i].is_string()) continue;
      const std::string name = params[i].get<std::string>();
      if (std::find(used->begin(), used->end(), name) == used->end())
        fail(Loc{file, doc->line_of(pointer_join("/params", i)), pointer_join("/params", i)},
             "parameter '" + name + "' is used by none of the file's steps");
    }
  }

  void scenario(const Scenario& s) {
    bool runs_here = true;  // a scenario the topology will skip may name components it lacks
    for (std::size_t i = 0; i < s.requires_caps.size(); ++i) {
      const std::string& cap = s.requires_caps[i];
      if (!known_capabilities().count(cap))
        fail(at(at(s.loc, "requires"), std::to_string(i)),
             "unknown capability '" + cap + "' (known: " + joined(known_capabilities()) + ")");
      else if (rules_.offered && !rules_.offered->count(cap))
        runs_here = false;
    }
    if (!rules_.clause_ids.empty())
      for (std::size_t i = 0; i < s.requirements.size(); ++i)
        if (std::find(rules_.clause_ids.begin(), rules_.clause_ids.end(), s.requirements[i]) == rules_.clause_ids.end())
          fail(at(at(s.loc, "requirements"), std::to_string(i)),
               "unknown requirement '" + s.requirements[i] + "': not a clause id of the contract (" +
                   joined(rules_.clause_ids, 40) + ")");
    deep_at(s.vars, s.loc, "vars");
    if (rules_.bindings)
      for (std::size_t i = 0; i < s.matrix.size(); ++i) deep(s.matrix[i], at(at(s.loc, "matrix"), std::to_string(i)));
    for (const auto& st : s.steps) {
      step(st, runs_here);
      if (!st.included_from.empty()) step_file_params(st.included_from);
    }
  }

 private:
  static std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
  }
  const SemanticRules& rules_;
  std::vector<Error>& out_;
  std::map<std::string, Document> docs_;  // the files steps came from, read once
  std::set<std::string> params_checked_;
};

}  // namespace

const std::set<std::string>& known_capabilities() {
  static const std::set<std::string> caps{"mint", "echo", "stub-audit", "direct-backend", "login-hint", "context-secret",
                                          "source-address"};
  return caps;
}

std::vector<Error> check_semantics(const Scenario& scenario, const SemanticRules& rules) {
  std::vector<Error> out;
  Checker(rules, out).scenario(scenario);
  return out;
}

}  // namespace tc
